"""On a phone at 390 × 844: a guard opens a label's URL and sees the confirmation; a cleaner submits a check with a photo."""
from __future__ import annotations

from PIL import Image
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Checkpoint, CleaningCheck, Photo, Scan, Site


def _checkpoint(live_server, code: str) -> tuple[str, str]:
    with live_server.app.app_context():
        cp = db.session.scalar(select(Checkpoint).join(Site).where(Site.code == "CHG", Checkpoint.code == code))
        token, name = cp.token, cp.name
        db.session.remove()
    return token, name


def _count(live_server, model, *where) -> int:
    with live_server.app.app_context():
        n = db.session.scalar(select(func.count()).select_from(model).where(*where))
        db.session.remove()
    return n


def test_a_guard_opens_a_label_url_after_signing_in_and_sees_the_confirmation(live_server, tab, shots):
    token, name = _checkpoint(live_server, "G01")
    before = _count(live_server, Scan)
    tab.goto(f"/s/{token}")  # as the phone's camera app would: the session has expired, sign in first
    assert tab.path == "/login"
    tab.sign_in("guard", "Rounds-guard-1")
    page = tab.page
    assert tab.path.startswith("/scans/")
    heading = page.locator("section.confirmed h1").inner_text()
    assert name in heading and "✓" in heading
    assert page.get_by_role("status").filter(has_text=name).count() == 1
    assert page.get_by_role("link", name="扫下一个").is_visible()
    tab.assert_no_horizontal_scroll()
    page.screenshot(path=str(shots / "field-scan-done.png"), full_page=True)
    page.reload()
    assert _count(live_server, Scan) == before + 1
    assert tab.errors == []


def test_a_cleaner_submits_a_check_with_a_failed_item_and_a_photo(live_server, tab, shots, tmp_path):
    token, name = _checkpoint(live_server, "B12")  # a lift car: photos required before and after
    photo = tmp_path / "lift.jpg"
    Image.new("RGB", (1200, 900), (180, 160, 140)).save(photo, "JPEG")
    before = _count(live_server, CleaningCheck)
    tab.goto(f"/s/{token}")
    tab.sign_in("cleaner", "Rounds-cleaner-1")
    page = tab.page
    assert page.locator("h1").inner_text().strip() == name
    items = page.locator("fieldset.check-item")
    assert items.count() == 4
    first = items.nth(0)
    first.get_by_text("不合格").click()
    first.locator("input[type=text]").fill("轿厢地面有污渍")
    page.set_input_files("#before", str(photo))
    page.set_input_files("#after", str(photo))
    tab.assert_no_horizontal_scroll()
    page.screenshot(path=str(shots / "field-check.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="提交检查").click()
    assert page.get_by_role("status").filter(has_text="保洁检查已保存").count() == 1
    assert _count(live_server, CleaningCheck) == before + 1
    with live_server.app.app_context():
        check = db.session.scalar(select(CleaningCheck).order_by(CleaningCheck.id.desc()).limit(1))
        assert [r.note for r in check.results if not r.passed] == ["轿厢地面有污渍"]
        stages = sorted(db.session.scalars(select(Photo.stage).where(Photo.cleaning_check_id == check.id)))
        assert stages == ["after", "before"]
        db.session.remove()
    assert tab.errors == []
