"""SOS on a phone at 390 × 844 in Chinese: held 2 s without signal, kept in the offline queue, sent first (before
records queued earlier) when signal returns; the lead's phone shows it full-screen until acknowledged."""
from __future__ import annotations

import json

from sqlalchemy import select

from tests.browser.conftest import PHONE
from webapp.extensions import db
from webapp.models import Alert, Person


def _sign_in(tab, login, password):
    tab.goto("/login")
    tab.sign_in(login, password)


def test_an_sos_without_signal_is_sent_first_on_reconnection_and_covers_the_leads_screen(open_tab, live_server, shots):
    guard = open_tab(viewport=PHONE, locale="zh-CN")
    page = guard.page
    page.context.grant_permissions(["geolocation"])  # the phone knows where it is: 翠湖花园's car park
    page.context.set_geolocation({"latitude": 31.2304, "longitude": 121.4737, "accuracy": 12})
    _sign_in(guard, "guard", "Rounds-guard-1")
    assert guard.path == "/guard"
    page.wait_for_function("() => window.RoundsQueue !== undefined")
    assert "按住 2 秒发出求救" in page.inner_text("#sos")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url.replace(live_server.url, "")) if r.method == "POST" else None)

    page.context.set_offline(True)
    site_id = live_server.site_ids["CHG"]
    page.evaluate("""(site) => RoundsQueue.add({event: {type: "incident", site_id: site, location_text: "3 号楼大堂",
        kind: "damage", severity: "low", description: "门禁损坏"}, person: JSON.parse(
        document.getElementById("rounds-client").textContent).person})""", site_id)  # queued before the SOS
    button = page.locator(".sos-button")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_function("() => document.getElementById('sos').dataset.state === 'queued'")  # after the 2 s hold
    page.mouse.up()
    assert "一有信号就优先发送" in page.inner_text("#sos .sos-state")
    page.screenshot(path=str(shots / "sos-queued-390.png"))
    assert not any(p.startswith("/alerts/sos") for p in posts)

    page.context.set_offline(False)  # signal again: the queue sends the SOS before the incident
    page.wait_for_function("() => document.getElementById('sos').dataset.state === 'sent'")
    page.wait_for_function("""async () => (await RoundsQueue.all()).every(r => r.state === "sent")""")
    sent = [p for p in posts if p in ("/alerts/sos", "/api/v1/sync")]
    assert sent[:2] == ["/alerts/sos", "/api/v1/sync"], posts
    assert "SOS 已发送" in page.inner_text("#sos .sos-state")
    with live_server.app.app_context():
        alert = db.session.scalar(select(Alert).where(Alert.kind == "sos"))
        guard_id = db.session.scalar(select(Person.id).where(Person.login == "guard"))
        assert alert is not None and alert.person_id == guard_id and alert.site_id == site_id
        position = json.loads(alert.params_json)
        assert (position["lat"], position["lng"]) == (31.2304, 121.4737)  # where the phone was when held
        db.session.remove()

    lead = open_tab(viewport=PHONE, locale="zh-CN")
    _sign_in(lead, "lead", "Rounds-lead-1")
    screen = lead.page.locator("#sos-screen")
    screen.wait_for(state="visible")
    assert "刘洋" in screen.inner_text()
    where = screen.locator(".sos-map")
    assert where.is_visible() and "position=121.4737,31.2304&coordinate=wgs84" in where.get_attribute("href")
    covered = screen.bounding_box()
    assert (covered["width"], covered["height"]) == (PHONE["width"], PHONE["height"])
    lead.page.screenshot(path=str(shots / "sos-lead-390.png"))
    with lead.page.expect_navigation():
        screen.locator("button").click()
    assert "告警已确认" in lead.page.inner_text("main")
    lead.goto("/lead")
    lead.page.wait_for_function("() => document.body.classList.contains('sos-open') === false")
    assert lead.page.locator("#sos-screen").is_hidden()
    with live_server.app.app_context():
        acked = db.session.get(Alert, alert.id)
        assert acked.acknowledged_at is not None
        db.session.remove()
    offline = "ERR_INTERNET_DISCONNECTED"  # the queue's own tries while there was no signal
    assert [e for e in guard.errors if offline not in e] == [] and lead.errors == []


def test_a_silent_guard_is_asked_are_you_ok_and_the_answer_is_kept(open_tab, live_server):
    from sqlalchemy import func

    from tests import clock
    from webapp.models import AlertSiteSetting, CheckIn, Scan

    site_id = live_server.site_ids["CHG"]
    with live_server.app.app_context():
        guard_id = db.session.scalar(select(Person.id).where(Person.login == "guard"))
        last = db.session.scalar(select(func.max(Scan.captured_at)).where(Scan.person_id == guard_id))
        silent = int((clock.now() - last).total_seconds() // 60) if last else 60
        assert silent >= 2, "the demo guard scanned a moment ago"
        setting = db.session.get(AlertSiteSetting, site_id) or AlertSiteSetting(site_id=site_id)
        setting.lone_worker_minutes, setting.lone_answer_minutes = silent - 1, 30  # asked now, alerted much later
        db.session.add(setting)
        db.session.commit()
        db.session.remove()
    guard = open_tab(viewport=PHONE, locale="zh-CN")
    _sign_in(guard, "guard", "Rounds-guard-1")
    prompt = guard.page.locator("#are-you-ok")
    prompt.wait_for(state="visible")
    assert "是否安全？" in prompt.inner_text()
    prompt.locator("button").click()
    prompt.wait_for(state="hidden")
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.person_id == guard_id)) == 1
        db.session.remove()
    assert guard.errors == []
