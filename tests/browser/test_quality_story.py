"""The quality loop on phones (390 × 844), end to end in Chromium: a supervisor inspects a stairwell and fails an
item with a photo, issues a rectification notice to the cleaner; the cleaner sees it on her page and submits the
fix with an after-photo; the supervisor re-checks and passes it; the cleaner's scorecard counts it closed on time."""
from __future__ import annotations

from PIL import Image
from sqlalchemy import select

from tests.browser.conftest import Tab
from tests.browser.test_inspection_offline import _draw
from webapp.extensions import db
from webapp.models import Checkpoint, InspectionTemplate, Photo, RectificationNotice, Site


def _stairwell(live_server) -> tuple[int, int]:
    """A stairwell checkpoint of 翠湖花园 and the demo's current stairwell sheet."""
    with live_server.app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == "CHG"))
        checkpoint = db.session.scalar(select(Checkpoint).where(Checkpoint.site_id == site.id, Checkpoint.code == "B13"))
        sheet = db.session.scalar(select(InspectionTemplate).where(InspectionTemplate.area_kind == "stairwell",
                                                                   InspectionTemplate.active.is_(True)))
        found = checkpoint.id, sheet.id
        db.session.remove()
    return found


def _figure(tab: Tab, name: str) -> int:
    tab.goto("/scorecards/mine")
    return int(tab.page.locator(f".my-card [data-figure={name}] dd").first.inner_text())


def _photo(tmp_path, name: str, color) -> str:
    path = tmp_path / name
    Image.new("RGB", (640, 480), color).save(path, "JPEG")
    return str(path)


def test_inspection_notice_fix_and_recheck_change_the_cleaners_scorecard(open_tab, live_server, tmp_path, shots):
    checkpoint_id, sheet_id = _stairwell(live_server)
    cleaner = open_tab()
    cleaner.goto("/login")
    cleaner.sign_in("cleaner", "Rounds-cleaner-1")
    closed_on_time_before = _figure(cleaner, "notices_on_time")
    notices_before = _figure(cleaner, "notices_total")

    # the supervisor inspects the stairwell and fails the first item, with a photo and a note
    supervisor = open_tab()
    page = supervisor.page
    supervisor.goto("/login")
    supervisor.sign_in("supervisor", "Rounds-super-1")
    supervisor.goto(f"/inspections/new?checkpoint={checkpoint_id}")
    page.click(f"a[href*='template={sheet_id}']")
    page.wait_for_selector("form[data-offline-form=inspection]")
    page.wait_for_function("() => window.Rounds && window.SignaturePad")
    supervisor.assert_no_horizontal_scroll()
    item = page.locator("[data-inspection-item]").first
    item.locator("input[data-fails]").check()
    item.locator("input[name^=note-]").fill("3层扶手积灰")
    item.locator("input[type=file]").set_input_files(_photo(tmp_path, "dust.jpg", (120, 110, 90)))
    _draw(page, "[data-signature] canvas")
    with page.expect_navigation():
        page.click("form[data-offline-form=inspection] button[type=submit]")
    assert supervisor.path.startswith("/inspections/"), supervisor.path
    page.screenshot(path=str(shots / "quality-1-inspection.png"), full_page=True)

    # one tap on the failed item issues a notice; the cleaner is made responsible
    with page.expect_navigation():
        page.click("a[href*='/notices/new?result=']")
    page.select_option("select[name=assignee_id]", label=page.locator("select[name=assignee_id] option",
                                                                       has_text="黄丽").first.inner_text())
    with page.expect_navigation():
        page.click("form button.primary[type=submit], form button.primary:not([type])")
    assert supervisor.path.startswith("/notices/"), supervisor.path
    notice_path = supervisor.path
    assert "3层扶手积灰" in page.content()

    # the cleaner sees it on her page, opens it and submits the fix with an after-photo
    cleaner.goto("/cleaner")
    mine = cleaner.page.locator(".notices-mine")
    assert "3层扶手积灰" in mine.inner_text()
    with cleaner.page.expect_navigation():
        mine.locator(f"a[href='{notice_path}']").first.click()
    cleaner.page.set_input_files("input[name=after]", _photo(tmp_path, "clean.jpg", (230, 230, 225)))
    cleaner.page.fill("textarea[name=note]", "已擦拭3至5层扶手")
    with cleaner.page.expect_navigation():
        cleaner.page.click("form:has(input[name=action][value=submit]) button")
    assert "已整改，待复查" in cleaner.page.content()
    cleaner.assert_no_horizontal_scroll()

    # the supervisor re-checks and passes it: closed on time
    supervisor.goto(notice_path)
    with page.expect_navigation():
        page.click("form:has(input[name=action][value=pass]) button")
    assert "已关闭" in page.content()
    page.screenshot(path=str(shots / "quality-2-notice-closed.png"), full_page=True)

    with live_server.app.app_context():
        notice = db.session.get(RectificationNotice, int(notice_path.rsplit("/", 1)[1]))
        assert notice.state == "closed" and notice.closed_on_time is True
        stages = sorted(p.stage for p in db.session.scalars(select(Photo).where(Photo.notice_id == notice.id)))
        assert stages == ["after"]
        assert notice.inspection_result.failed and db.session.scalars(
            select(Photo).where(Photo.inspection_result_id == notice.inspection_result_id)).first() is not None
        db.session.remove()

    # the cleaner's scorecard counts one more notice, closed on time
    assert _figure(cleaner, "notices_total") == notices_before + 1
    assert _figure(cleaner, "notices_on_time") == closed_on_time_before + 1
    assert not supervisor.errors and not cleaner.errors, supervisor.errors + cleaner.errors
