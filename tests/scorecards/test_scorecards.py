"""Monthly scorecards (考核): a site manager reads October's figures per person and team, downloads them as XLSX,
and each person sees their own card."""
from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from tests.conftest import sign_in
from tests.scorecards.conftest import figures


def _page(app, login: str, site_id: int, month: str = "2026-10") -> str:
    client = app.test_client()
    sign_in(client, login)
    answer = client.get(f"/sites/{site_id}/scorecards?month={month}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_a_guards_october_counts_the_night_that_crosses_into_november_and_the_late_synced_scan(october, world, app):
    html = _page(app, "manager", world.site_a.id)
    guard = figures(html, "data-person", october.guard.id)
    # 30 Oct: 23:30 on time, 01:00 never started; 31 Oct: 23:35 on time (synced at 04:40), 01:00 on 1 Nov started late
    assert (guard["rounds_due"], guard["rounds_on_time"], guard["rounds_late"], guard["on_time_rate"]) == ("4", "2", "1", "50.0")
    # the round nobody started was acknowledged by the lead; the late start is unexplained
    assert (guard["gaps_unexplained"], guard["gaps_explained"]) == ("1", "1")
    # an acknowledged ticket counts its 5 points, a contested one counts none
    assert (guard["violations"], guard["violation_points"]) == ("2", "5")
    assert (guard["inspections"], guard["inspection_average"]) == ("1", "80.0")  # the security sheet of their area
    assert guard["total"] == "88.0"  # 100 − 5 points − 2 × 1 unexplained gap − 10 × (1 − 2/4)


def test_a_cleaners_october_checks_inspections_and_notices_overdue_at_the_months_end(october, world, app):
    html = _page(app, "manager", world.site_a.id)
    cleaner = figures(html, "data-person", october.cleaner.id)
    assert (cleaner["cleaning_checks"], cleaner["cleaning_passed"], cleaner["cleaning_pass_rate"]) == ("3", "2", "66.7")
    # the environment sheet's two inspections of their area; the manager's self-inspection (40) is counted apart
    assert (cleaner["inspections"], cleaner["inspection_average"]) == ("2", "80.0")
    # the second notice was still open past its deadline on 31 October, though it was fixed on 2 November
    assert (cleaner["notices_total"], cleaner["notices_on_time"], cleaner["notices_overdue"]) == ("2", "1", "1")
    assert cleaner["gaps_unexplained"] == "0"
    assert cleaner["total"] == "95.0"  # 100 − 5 × 1 overdue notice


def test_november_starts_after_the_night_shift_of_31_october(october, world, app):
    html = _page(app, "manager", world.site_a.id, "2026-11")
    assert figures(html, "data-person", october.guard.id)["rounds_due"] == "0"
    cleaner = figures(html, "data-person", october.cleaner.id)
    assert cleaner["cleaning_checks"] == "1"  # 08:30 on 1 November
    assert cleaner["notices_overdue"] == "0"  # submitted since: waiting on the issuer, not on the cleaner


def test_a_teams_rates_come_from_its_summed_counts_and_its_total_is_the_mean(october, world, app):
    html = _page(app, "supervisor", world.site_a.id)
    security = figures(html, "data-team", "security")
    # guard 2 of 4 on time, guard2 2 of 2: 4 of 6 is 66.7 % (the mean of 50 % and 100 % would be 75 %)
    assert (security["rounds_due"], security["rounds_on_time"], security["on_time_rate"]) == ("6", "4", "66.7")
    assert security["total"] == "96.0"  # (88 + 100 + 100) / 3: the guard, guard2 and the lead
    assert figures(html, "data-team", "environment")["cleaning_pass_rate"] == "66.7"


def test_the_xlsx_holds_the_pages_figures_with_chinese_headings(october, world, app):
    html = _page(app, "manager", world.site_a.id)
    client = app.test_client()
    sign_in(client, "manager")
    answer = client.get(f"/sites/{world.site_a.id}/scorecards.xlsx?month=2026-10")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(answer.data))
    assert book.sheetnames == ["人员", "班组", "整改通知与违纪"]
    people = list(book["人员"].iter_rows(values_only=True))
    headings = people[0]
    assert headings[:4] == ("姓名", "岗位", "班组", "应巡次数")
    by_name = {row[0]: dict(zip(headings, row, strict=True)) for row in people[1:]}
    guard = by_name[october.guard.name]
    page = figures(html, "data-person", october.guard.id)
    assert (guard["应巡次数"], guard["准时"], guard["迟到"], guard["准时率 %"], guard["扣分计入"], guard["总分"]) == \
        (int(page["rounds_due"]), int(page["rounds_on_time"]), int(page["rounds_late"]), float(page["on_time_rate"]),
         int(page["violation_points"]), float(page["total"]))
    teams = {row[0]: row for row in book["班组"].iter_rows(min_row=2, values_only=True)}
    assert set(teams) == {"治安", "环境（保洁绿化）", "工程", "客服"}
    assert teams["治安"][1:3] == (3, 6)  # members, rounds due
    records = list(book["整改通知与违纪"].iter_rows(min_row=2, values_only=True))
    assert sum(1 for r in records if r[0] == "整改通知单") == 2 and sum(1 for r in records if r[0] == "违纪处罚单") == 2
    assert sorted(r[-1] for r in records if r[0] == "违纪处罚单") == [0, 5]


def test_the_xlsx_is_in_english_for_someone_who_reads_english(october, world, app):
    world.person("manager_en", world.people["manager"].role, [world.site_a], language="en")
    from webapp.extensions import db

    db.session.commit()
    client = app.test_client()
    sign_in(client, "manager_en")
    book = load_workbook(BytesIO(client.get(f"/sites/{world.site_a.id}/scorecards.xlsx?month=2026-10").data))
    assert book.sheetnames == ["People", "Teams", "Notices and violations"]
    assert next(book["People"].iter_rows(values_only=True))[:4] == ("Full name", "Role", "Team", "Rounds due")


def test_a_guard_sees_their_own_card_for_this_month_and_last_month_only(october, world, app):
    client = app.test_client()
    sign_in(client, "guard")
    html = client.get("/scorecards/mine?month=2026-10").get_data(as_text=True)
    assert 'data-figure="rounds_due"' in html
    own = dict(__import__("re").findall(r'data-figure="(\w+)">\s*<dt>[^<]*</dt>\s*<dd>([^<]*)</dd>', html))
    assert (own["rounds_due"], own["rounds_on_time"], own["violation_points"], own["total"]) == ("4", "2", "5", "88.0")
    assert october.guard2.name not in html and october.cleaner.name not in html  # nobody else's card or tickets
    assert "2026-11" in html  # this month can be chosen
    assert client.get("/scorecards/mine?month=2026-09").status_code == 404
    assert client.get("/scorecards/mine").status_code == 200


def test_a_manager_has_no_card_of_their_own_but_the_page_says_why(october, app):
    client = app.test_client()
    sign_in(client, "manager")
    answer = client.get("/scorecards/mine")
    assert answer.status_code == 200 and "考核仅针对" in answer.get_data(as_text=True)


def test_another_sites_scorecards_do_not_exist_for_this_manager(october, world, app):
    client = app.test_client()
    sign_in(client, "manager")
    assert client.get(f"/sites/{world.site_b.id}/scorecards").status_code == 404
    assert client.get(f"/sites/{world.site_b.id}/scorecards.xlsx").status_code == 404
    assert client.get(f"/sites/{world.site_c.id}/scorecards").status_code == 404


def test_a_malformed_month_is_refused_with_a_clear_message(october, world, app):
    client = app.test_client()
    sign_in(client, "manager")
    answer = client.get(f"/sites/{world.site_a.id}/scorecards?month=2026-13")
    assert answer.status_code == 400 and "月份" in answer.get_data(as_text=True)
