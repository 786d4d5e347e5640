"""What each role sees on its page, at the site's local time, through midnight."""
import re
from datetime import datetime, timedelta, timezone

from tests.conftest import FIXED_NOW, demo_at, sign_in
from webapp.extensions import db
from webapp.models import Person

NIGHT_NOW = datetime(2026, 11, 24, 18, 30, tzinfo=timezone.utc)  # 02:30 on the 25th in Shanghai


def _page(app, login: str, password: str, path: str, now: datetime) -> str:
    app.config["ROUNDS_NOW"] = now
    client = app.test_client()
    assert sign_in(client, login, password).status_code == 302
    answer = client.get(path)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_night_guard_sees_the_shift_that_began_yesterday_evening_and_its_rounds_past_midnight(app):
    demo_at(NIGHT_NOW)
    text = _text(_page(app, "guard2", "Rounds-guard-2", "/guard", NIGHT_NOW))
    assert "翠湖花园" in text and "夜班" in text and "当班中" in text
    assert "2026/11/24 20:00 – 08:00" in text  # local times, not UTC (12:00 – 00:00)
    rounds = re.findall(r"(\d\d:\d\d) · 外围及地下室巡更", text)
    assert rounds == ["20:00", "22:00", "00:00", "02:00", "04:00", "06:00"]
    assert "下一轮巡更: 外围及地下室巡更" in text and "请在 02:00 至 02:30 之间开始 进行中" in text
    assert "00:00 · 外围及地下室巡更 11/11 已完成" in text


def test_the_same_page_reads_in_english_for_a_guard_who_chose_it(app):
    demo_at(NIGHT_NOW)
    db.session.query(Person).filter_by(login="guard2").update({"language": "en"})
    db.session.commit()
    text = _text(_page(app, "guard2", "Rounds-guard-2", "/guard", NIGHT_NOW))
    assert "Start between 02:00 and 02:30" in text and "On shift now" in text and "Rounds this shift" in text
    assert "24 Nov 2026 20:00 – 08:00" in text


def test_a_cleaner_sees_overdue_checks_in_red_when_the_afternoon_round_was_not_done(app):
    demo_at(FIXED_NOW)  # records stop at 10:00
    afternoon = FIXED_NOW + timedelta(hours=6, minutes=30)  # 16:30 local
    html = _page(app, "cleaner", "Rounds-cleaner-1", "/cleaner", afternoon)
    overdue = html.split('class="card overdue"')[1].split("</section>")[0]
    assert "已超时" in overdue and "1号楼大堂" in overdue and "应于 15:00 前完成" in overdue
    assert "2号楼电梯轿厢" in overdue
    text = _text(html)
    assert "08:00–09:00 · 1号楼大堂 已完成" in text


def test_a_cleaner_with_everything_done_sees_no_overdue_card(app):
    demo_at(FIXED_NOW)
    html = _page(app, "cleaner", "Rounds-cleaner-1", "/cleaner", FIXED_NOW)
    assert 'class="card overdue"' not in html and "已完成" in html


def test_a_lead_sees_the_roster_rounds_cleaning_and_open_incidents_of_the_running_shift(app):
    demo_at(NIGHT_NOW)
    text = _text(_page(app, "lead2", "Rounds-lead-2", "/lead", NIGHT_NOW))
    assert "夜班" in text and "孙磊" in text
    assert "生活水泵房2号泵密封处漏水" in text  # yesterday's leak is still open
    assert "北门车辆道闸" not in text  # that incident was closed


def test_a_manager_sees_each_site_with_its_figures(app):
    demo_at(FIXED_NOW)
    text = _text(_page(app, "manager", "Rounds-manager-1", "/sites/", FIXED_NOW))
    assert "翠湖花园" in text and "滨江商务中心" in text
    match = re.search(r"翠湖花园 .*? 近7天保洁不合格项 (\d+)", text)
    assert match and int(match.group(1)) >= 2


def test_a_site_page_lists_its_checkpoints_routes_plans_and_the_roster(app):
    demo_at(FIXED_NOW)
    app.config["ROUNDS_NOW"] = FIXED_NOW
    client = app.test_client()
    sign_in(client, "supervisor", "Rounds-super-1")
    overview = client.get("/sites/").get_data(as_text=True)
    site_path = re.search(r'href="(/sites/\d+)">\s*<h2>翠湖花园', overview).group(1)
    text = _text(client.get(site_path).get_data(as_text=True))
    assert "生活水泵房" in text and "楼栋巡更" in text and "每 120 分钟" in text and "08:00,14:00" in text
    assert "20:00–08:00 (次日结束)" in text
    assert "2026/11/25 08:00 – 20:00" in text  # today's day shift, in local time
