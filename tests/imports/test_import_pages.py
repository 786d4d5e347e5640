"""A site manager imports checkpoints from a spreadsheet: preview first, then all rows or none."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_from, sign_in
from tests.imports.files import GOOD_ROWS, csv_bytes, xlsx_bytes
from webapp.extensions import db
from webapp.models import Area, AreaKind, AuditEntry, Checkpoint, Purpose


@pytest.fixture
def manager(app, world):
    client = app.test_client()
    assert sign_in(client, "manager").status_code == 302
    return client


def url(world, site=None) -> str:
    return f"/sites/{(site or world.site_a).id}/checkpoints/import"


def upload(client, world, content: bytes, filename: str, site=None, headers=None):
    page = client.get(url(world, site))
    return client.post(url(world, site), data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                               "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data", headers=headers or {})


def payload_of(html: str) -> str:
    match = re.search(r'name="payload" value="([^"]+)"', html)
    assert match, "the preview offers no commit"
    return match.group(1)


def commit(client, world, payload: str, site=None):
    page = client.get(url(world, site))
    return client.post(url(world, site), data={"csrf_token": csrf_from(page.get_data(as_text=True)), "payload": payload})


def checkpoint_count(site) -> int:
    return db.session.scalar(select(func.count()).select_from(Checkpoint).where(Checkpoint.site_id == site.id))


def test_the_upload_page_offers_the_template_and_states_the_limits(manager, world):
    page = manager.get(url(world)).get_data(as_text=True)
    assert 'type="file"' in page and "template.csv" in page
    assert "1 MB" in page and "1000" in page


def test_a_good_utf8_csv_with_bom_is_previewed_then_saved_with_its_areas_checklists_and_audit(manager, world):
    preview = upload(manager, world, csv_bytes(GOOD_ROWS, "utf-8-sig"), "巡检点.csv")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "1号楼大堂" in html and "巡更及保洁" in html
    assert "4" in html and "1号楼、南门" in html  # the new areas are announced
    assert checkpoint_count(world.site_a) == 1, "a preview saves nothing"

    done = commit(manager, world, payload_of(html))
    assert done.status_code == 303
    assert "4 个巡检点已导入" in manager.get(done.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    saved = {c.code: c for c in db.session.scalars(select(Checkpoint).where(Checkpoint.site_id == world.site_a.id))}
    assert set(saved) == {"A01", "L1-01", "L1-B1", "G-S", "P-02"}
    lobby = saved["L1-01"]
    assert (lobby.name, lobby.area.name, lobby.area.kind, lobby.purpose) == ("1号楼大堂", "1号楼", AreaKind.BUILDING, Purpose.BOTH)
    assert [i.text for i in lobby.checklist] == ["地面干净", "垃圾桶已清理", "玻璃门无指纹"]
    assert (lobby.lat, lobby.lng, lobby.radius_m) == (30.2741, 120.1551, 30.0)
    assert saved["L1-B1"].area_id == lobby.area_id and saved["L1-B1"].photo_required
    assert saved["G-S"].area.kind == AreaKind.GATE and saved["P-02"].area is None
    assert len({c.token for c in saved.values()}) == 5
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "checkpoints_imported")).one()
    detail = json.loads(entry.detail)
    assert entry.person_id == world.people["manager"].id and entry.site_id == world.site_a.id
    assert detail["count"] == 4 and detail["file"] == "巡检点.csv" and detail["new_areas"] == ["1号楼", "南门"]


def test_a_gbk_csv_from_excel_on_chinese_windows_is_read(manager, world):
    html = upload(manager, world, csv_bytes(GOOD_ROWS, "gbk"), "巡检点.csv").get_data(as_text=True)
    assert "1号楼消防泵房" in html and "地下车库电梯厅" in html
    assert commit(manager, world, payload_of(html)).status_code == 303
    assert checkpoint_count(world.site_a) == 5


def test_a_good_xlsx_is_read(manager, world):
    rows = [["北门岗亭", "N-01", "北门", "出入口", "巡更", "是", 30.27, 120.15, 25, ""],
            ["北门垃圾房", 102, "北门", "", "保洁", False, None, None, None, "地面干净;无异味"]]
    html = upload(manager, world, xlsx_bytes(rows), "巡检点.xlsx").get_data(as_text=True)
    assert commit(manager, world, payload_of(html)).status_code == 303
    db.session.expire_all()
    room = db.session.scalars(select(Checkpoint).where(Checkpoint.code == "102")).one()
    assert room.purpose == Purpose.CLEANING and [i.text for i in room.checklist] == ["地面干净", "无异味"]
    assert room.area.name == "北门" and room.area.kind == AreaKind.GATE


def test_a_file_with_bad_rows_saves_nothing_and_reports_every_bad_row(manager, world):
    rows = [list(GOOD_ROWS[0]), ["", "X1"], ["东门", ""], ["西门", "A01"], ["泵房", "P9", "", "", "巡逻车"],
            ["南门", "L1-01"]]
    answer = upload(manager, world, csv_bytes(rows), "巡检点.csv")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'name="payload"' not in html
    for expected in ("第 3 行，名称：必须填写。", "第 4 行，编号：必须填写。", "第 5 行，编号：A01 已是本项目某个巡检点的编号。",
                     "第 6 行，用途：", "第 2 行，编号：L1-01 与第 7 行的编号重复。", "第 7 行，编号：L1-01 与第 2 行的编号重复。"):
        assert expected in html, expected
    assert "有问题的行：2, 3, 4, 5, 6, 7" in html
    assert checkpoint_count(world.site_a) == 1


def test_problems_are_told_in_english_to_an_english_speaker(app, world):
    world.people["manager"].language = "en"
    db.session.commit()
    client = app.test_client()
    sign_in(client, "manager")
    html = upload(client, world, csv_bytes([["", "X1"]], header=["name", "code"]), "points.csv").get_data(as_text=True)
    assert "Row 2, Name: must be filled in." in html


@pytest.mark.parametrize("content, filename", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "photo.png"),
    (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", "checkpoints.csv"),
    (bytes((i * 7919 + 13) % 256 for i in range(2000)), "checkpoints.csv"),
])
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_clear_message(manager, world, content, filename):
    answer = upload(manager, world, content, filename)
    assert answer.status_code == 400
    assert "这不是 CSV 或 Excel（.xlsx）文件" in answer.get_data(as_text=True)
    assert checkpoint_count(world.site_a) == 1


def test_no_file_a_too_large_file_and_too_many_rows_are_refused_with_the_limit(app, world):
    app.config.update(IMPORT_MAX_BYTES=2048, IMPORT_MAX_ROWS=3)
    client = app.test_client()
    sign_in(client, "manager")
    page = client.get(url(world))
    empty = client.post(url(world), data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert empty.status_code == 400 and "请选择要上传的 CSV 或 Excel（.xlsx）文件" in empty.get_data(as_text=True)
    big = upload(client, world, csv_bytes([["北门" * 400, "N1"]], header=["名称", "编号"]), "big.csv")
    assert big.status_code == 400 and "文件过大：最多 2 KB" in big.get_data(as_text=True)
    many = upload(client, world, csv_bytes([[f"点{i}", f"C{i}"] for i in range(4)], header=["名称", "编号"]), "many.csv")
    assert many.status_code == 400 and "超过 3 个巡检点" in many.get_data(as_text=True)


def test_a_tampered_or_foreign_payload_is_refused_and_nothing_is_saved(manager, world):
    html = upload(manager, world, csv_bytes(GOOD_ROWS), "巡检点.csv").get_data(as_text=True)
    payload = payload_of(html)
    body, signature = payload.rsplit(".", 1)
    forged = body[:-3] + ("AAA" if body[-3:] != "AAA" else "BBB") + "." + signature
    for bad in (forged, payload[:-2], "not-a-payload", ""):
        answer = commit(manager, world, bad)
        assert answer.status_code == 400 and "预览已过期或被改动" in answer.get_data(as_text=True), bad
    assert checkpoint_count(world.site_a) == 1
    admin = manager.application.test_client()
    sign_in(admin, "admin")
    assert commit(admin, world, payload).status_code == 400  # bound to the person who previewed it
    assert commit(admin, world, payload, site=world.site_b).status_code == 400  # and to the site
    assert checkpoint_count(world.site_a) == 1 and checkpoint_count(world.site_b) == 1


def test_the_commit_checks_again_and_saves_nothing_when_the_site_changed_meanwhile(manager, world):
    html = upload(manager, world, csv_bytes(GOOD_ROWS), "巡检点.csv").get_data(as_text=True)
    db.session.add(Checkpoint(site_id=world.site_a.id, code="G-S", name="别人刚建的点"))
    db.session.commit()
    answer = commit(manager, world, payload_of(html))
    text = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "什么也没有保存" in text and "G-S 已是本项目某个巡检点的编号" in text
    assert checkpoint_count(world.site_a) == 2
    assert db.session.scalar(select(func.count()).select_from(Area).where(Area.name == "南门")) == 0


def test_the_template_downloads_and_imports_cleanly(manager, world):
    answer = manager.get(url(world) + "/template.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    content = answer.get_data()
    assert content.startswith(b"\xef\xbb\xbf")  # so that Excel opens it as UTF-8
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("名称,编号,区域") and len(lines) == 3
    html = upload(manager, world, content, "checkpoints-template.csv").get_data(as_text=True)
    assert commit(manager, world, payload_of(html)).status_code == 303
    assert checkpoint_count(world.site_a) == 3


def test_htmx_gets_the_preview_fragment_alone(manager, world):
    answer = upload(manager, world, csv_bytes(GOOD_ROWS), "巡检点.csv", headers={"HX-Request": "true"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "HX-Request" in answer.headers["Vary"]
    assert "<html" not in html and 'name="payload"' in html


def test_only_managers_of_the_site_may_import(app, world):
    guard = app.test_client()
    sign_in(guard, "guard")
    token = csrf_from(guard.get("/", follow_redirects=True).get_data(as_text=True))
    data = {"csrf_token": token, "file": (io.BytesIO(csv_bytes(GOOD_ROWS)), "a.csv")}
    assert guard.post(url(world), data=data, content_type="multipart/form-data").status_code == 403
    manager = app.test_client()
    sign_in(manager, "manager")
    assert upload(manager, world, csv_bytes(GOOD_ROWS), "a.csv", site=world.site_b).status_code == 404
    assert manager.get(url(world, world.site_b) + "/template.csv").status_code == 404
    assert checkpoint_count(world.site_b) == 1
