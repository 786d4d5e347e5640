"""On a 390×844 phone, in Chinese and in English, each field role finds its main action above the fold, and every
page it reaches from its menu has tap targets of at least 44×44 CSS px; a manager's desktop pages still read."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PHONE

# login, password, where it lands, the main action(s) on that page (CSS selectors): guard and cleaner scan (a
# cleaner logs a check by scanning its label), a lead opens the board and the handover, a supervisor inspects.
ROLES = [
    ("guard", "Rounds-guard-1", "/guard", ["main a.big-button[href='/scan']"]),
    ("cleaner", "Rounds-cleaner-1", "/cleaner", ["main a.big-button[href='/scan']"]),
    ("lead", "Rounds-lead-1", "/lead", ["main a.big-button[href*='/board']", "main a.big-button[href*='/handover']"]),
    ("supervisor", "Rounds-super-1", "/sites/", ["nav.nav a[href='/inspections/new']"]),
]
FOLD = PHONE["height"]
MIN_TAP = 44  # CSS px

# Every interactive element, measured as it is tapped (a box or radio through its label); only those drawn count.
# Links inside a sentence (a <p> or <li> that has text of its own beside the link) are let through: they are read
# in running text, and making them 44 px tall would break the sentence.
SMALL_TARGETS_JS = """(min) => {
  const out = [];
  document.querySelectorAll('details').forEach((d) => { d.open = true; });  // what folds is measured unfolded
  const inRunningText = (el) => {
    if (el.tagName !== 'A') return false;
    const block = el.closest('p, li, td, dd, span.note');
    return block && block.innerText.trim().length > el.innerText.trim().length + 8 && getComputedStyle(el).display === 'inline';
  };
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]')) {
    const target = (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) || el;
    const r = target.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    if (inRunningText(el)) continue;
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      const what = (el.innerText || el.value || el.name || el.getAttribute('aria-label') || el.getAttribute('href') || '').trim();
      out.push(`${el.tagName.toLowerCase()}${el.type ? '[' + el.type + ']' : ''}.${el.className} "${what.slice(0, 40)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return out;
}"""

RADIO_LABELS_JS = """() => {
  // a radio or check box sits beside the first line of its label's words, never above or below them
  const firstLine = (label) => {
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      if (rects.length) return rects[0];
    }
    return null;
  };
  const out = [];
  for (const box of document.querySelectorAll('input[type=radio], input[type=checkbox]')) {
    const label = box.closest('label') || (box.id && document.querySelector(`label[for="${box.id}"]`));
    const b = box.getBoundingClientRect();
    if (!label || b.height === 0) continue;
    const t = firstLine(label);
    if (t && !(b.bottom > t.top && b.top < t.bottom)) out.push(`${box.name}=${box.value}`);
  }
  return out;
}"""


def _menu(page) -> list[str]:
    """The paths the role's menu leads to, in menu order, each once."""
    hrefs = page.eval_on_selector_all("nav.nav a[href]", "els => els.map(e => new URL(e.href).pathname + new URL(e.href).search)")
    return list(dict.fromkeys(hrefs))


def _shot_name(login: str, path: str, lang: str, device: str = "phone") -> str:
    return f"{device}-{login}-{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-') or 'home'}-{lang}.png"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("login,password,landing,actions", ROLES, ids=[r[0] for r in ROLES])
def test_the_main_action_is_above_the_fold_and_every_menu_page_has_big_targets(live_server, open_tab, shots, login,
                                                                                password, landing, actions, lang):
    live_server.save_language(login, lang)
    tab = open_tab(viewport=PHONE)
    page = tab.page
    tab.goto("/login")
    tab.sign_in(login, password)
    assert tab.path == landing, f"{login} landed on {page.url}"

    header = page.evaluate("Math.round(document.querySelector('main').getBoundingClientRect().top)")
    assert header <= 130, f"{login} ({lang}): the header and menu take {header} px of {FOLD}"
    for selector in actions:
        box = page.locator(selector).first.bounding_box()
        assert box is not None, f"{login} ({lang}): no {selector} on {landing}"
        assert box["y"] >= 0 and box["y"] + box["height"] <= FOLD, f"{login} ({lang}): {selector} at y={box['y']:.0f}"
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{login} ({lang}): {selector} off-screen"
    page.screenshot(path=str(shots / _shot_name(login, landing + '-first-screen', lang)))  # as the phone shows it

    pages = _menu(page) + [page.locator(s).first.get_attribute("href") for s in actions]
    small, beside = {}, {}
    for path in dict.fromkeys(pages):
        response = tab.goto(path)
        assert response.status == 200, f"{login} {path}: HTTP {response.status}"
        page.wait_for_load_state("load")
        tab.assert_no_horizontal_scroll(f"{login} {path} ({lang})")
        if found := page.evaluate(SMALL_TARGETS_JS, MIN_TAP):
            small[path] = found
        if found := page.evaluate(RADIO_LABELS_JS):
            beside[path] = found
        page.screenshot(path=str(shots / _shot_name(login, path, lang)), full_page=True)
    if login == "supervisor":  # the inspection sheet itself (its pass/fail radios) is two taps past the menu
        tab.goto("/inspections/new")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        with page.expect_navigation():
            page.locator("main a.button.wide").first.click()
        assert page.locator("main input[type=radio]").count() >= 4, f"no inspection sheet at {page.url}"
        for name, found in (("small", page.evaluate(SMALL_TARGETS_JS, MIN_TAP)), ("beside", page.evaluate(RADIO_LABELS_JS))):
            if found:
                (small if name == "small" else beside)[tab.path + " (sheet)"] = found
        page.screenshot(path=str(shots / _shot_name(login, "inspection-sheet", lang)), full_page=True)
    assert small == {}, f"{login} ({lang}): targets under {MIN_TAP}x{MIN_TAP} px: {small}"
    assert beside == {}, f"{login} ({lang}): boxes whose label is not beside them: {beside}"
    assert tab.errors == [], f"{login} ({lang}): console errors"


def test_a_managers_desktop_pages_keep_the_full_menu_in_one_bar(live_server, open_tab, shots):
    live_server.save_language("manager", "zh")
    tab = open_tab(viewport={"width": 1280, "height": 800})
    page = tab.page
    tab.goto("/login")
    tab.sign_in("manager", "Rounds-manager-1")
    links = page.locator("nav.nav a")
    assert links.count() >= 6 and all(links.nth(i).is_visible() for i in range(links.count()))
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1, f"the desktop menu wraps onto {len(tops)} lines"
    assert page.locator(".topbar .who").is_visible() and page.locator("form.language button").count() == 2
    boxes = {}
    chg = live_server.site_ids["CHG"]
    for path in ("/sites/", f"/sites/{chg}/reports?period=month", "/setup/", f"/sites/{chg}/setup/checkpoints",
                 f"/sites/{chg}/labels", "/notices", "/orders"):
        assert tab.goto(path).status == 200, path
        tab.assert_no_horizontal_scroll(path)
        small = [t for t in page.evaluate(SMALL_TARGETS_JS, MIN_TAP) if t.startswith(("input[checkbox]", "input[radio]", "select"))]
        if small:
            boxes[path] = small
        page.screenshot(path=str(shots / _shot_name("manager", urlsplit(path).path, "zh", "desktop")), full_page=True)
    assert boxes == {}, f"check boxes, radios or selects under {MIN_TAP} px on a desktop: {boxes}"
    assert tab.errors == []
