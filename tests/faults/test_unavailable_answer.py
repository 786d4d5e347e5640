"""The answer when the database cannot be reached: JSON for the API, a page for people, and nobody signed out.

The app points at a PostgreSQL port where nothing listens, so every query fails as in a real outage; no server
needed, so this runs in every suite.
"""
from __future__ import annotations

from tests.conftest import make_app
from tests.faults.conftest import free_port
from webapp.errors import DATABASE_RETRY_AFTER_S


def _app_without_database():
    return make_app(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere")


def test_the_api_answers_503_json_with_retry_after_when_the_database_is_out_of_reach():
    client = _app_without_database().test_client()
    answer = client.get("/api/v1/health")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == str(DATABASE_RETRY_AFTER_S)
    assert answer.is_json and answer.get_json() == {
        "error": "database_unavailable",
        "message": "暂时无法连接数据库。本次请求的内容都没有保存，稍后再次发送即可被接收。"}


def test_a_signed_in_person_gets_a_page_in_their_chosen_language_and_stays_signed_in():
    client = _app_without_database().test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"], session["lang"] = "1:0", True, "en"
    answer = client.get("/scan")  # who is signed in is the question the database cannot answer
    assert answer.status_code == 503 and answer.headers["Retry-After"] == str(DATABASE_RETRY_AFTER_S)
    assert answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    assert "<h1>503</h1>" in page and "The database cannot be reached for a moment" in page
    with client.session_transaction() as session:
        assert session["_user_id"] == "1:0"  # back when the database is: no new sign-in needed


def test_a_page_in_chinese_by_default():
    client = _app_without_database().test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = "1:0", True
    answer = client.get("/guard")
    assert answer.status_code == 503 and "暂时无法连接数据库" in answer.get_data(as_text=True)
