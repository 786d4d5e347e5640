"""Signing in on a phone, in Chinese and in English, for one demo account of every role."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import SMALL_PHONE

# One demo account per role (webapp/demo.py ACCOUNTS), with the page it lands on and its own nav link.
ACCOUNTS = [
    # login, password, landing path (prefix), nav link (zh, en)
    ("guard", "Rounds-guard-1", "/guard", ("我的班次", "My shift")),
    ("cleaner", "Rounds-cleaner-1", "/cleaner", ("我的保洁任务", "My cleaning checks")),
    ("lead", "Rounds-lead-1", "/lead", ("班次", "Shift")),
    ("supervisor", "Rounds-super-1", "/sites/", ("项目", "Sites")),
    ("manager", "Rounds-manager-1", "/sites/", ("项目", "Sites")),
    ("admin", "Rounds-admin-1", "/sites/", ("项目", "Sites")),
]

# What the page says in each language; the browser itself asks for the *other* language, so only the
# switch on the sign-in page can make the page speak the chosen one.
LANGUAGES = {
    "zh": dict(button="中文", html_lang="zh-Hans", browser_locale="en-US", sign_in="登录", sign_out="退出登录",
               wrong="手机号/用户名或密码错误，或账号已停用。"),
    "en": dict(button="English", html_lang="en", browser_locale="zh-CN", sign_in="Sign in", sign_out="Sign out",
               wrong="Wrong phone number/username or password, or the account is disabled."),
}
OTHER = {"zh": "en", "en": "zh"}


def choose_language(tab, lang: str) -> None:
    """Open /login in the browser's own language, then switch with the button on the page."""
    page = tab.page
    response = tab.goto("/login")
    assert response.status == 200
    other = LANGUAGES[OTHER[lang]]
    assert page.locator("html").get_attribute("lang") == other["html_lang"], "the browser's language should come first"
    with page.expect_navigation():
        page.get_by_role("button", name=LANGUAGES[lang]["button"], exact=True).click()
    assert tab.path == "/login"
    assert page.locator("html").get_attribute("lang") == LANGUAGES[lang]["html_lang"]
    assert page.locator("h1").inner_text().strip() == LANGUAGES[lang]["sign_in"]
    current = page.locator("form.language button[aria-current=true]")
    assert current.count() == 1 and current.inner_text().strip() == LANGUAGES[lang]["button"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("login,password,landing,nav", ACCOUNTS, ids=[a[0] for a in ACCOUNTS])
def test_sign_in_lands_on_the_role_page_in_the_chosen_language(live_server, open_tab, login, password, landing, nav,
                                                               lang):
    # The person was saved with the *other* language, and the browser asks for the other one too: only the
    # button on the sign-in page can make the landing page speak the chosen language.
    live_server.save_language(login, OTHER[lang])
    words = LANGUAGES[lang]
    tab = open_tab(locale=words["browser_locale"])
    page = tab.page
    choose_language(tab, lang)
    tab.assert_no_horizontal_scroll("/login at 390 px")

    tab.sign_in(login, password)

    assert tab.path == landing, f"{login} landed on {page.url}"
    assert page.locator("html").get_attribute("lang") == words["html_lang"], "the language chosen at sign-in was lost"
    sign_out = page.locator("header form[action='/logout'] button")
    assert sign_out.inner_text().strip() == words["sign_out"]
    assert sign_out.is_visible()
    nav_links = [t.strip() for t in page.locator("nav.nav a").all_inner_texts()]
    assert nav[0 if lang == "zh" else 1] in nav_links, nav_links
    assert nav[1 if lang == "zh" else 0] not in nav_links, f"nav mixes languages: {nav_links}"
    tab.assert_no_horizontal_scroll(f"{landing} at 390 px")
    page.set_viewport_size(SMALL_PHONE)
    tab.assert_no_horizontal_scroll(f"{landing} at 360 px")
    assert tab.errors == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_wrong_password_says_so_in_the_page_language_and_keeps_the_login(open_tab, shots, lang):
    words = LANGUAGES[lang]
    tab = open_tab(locale=words["browser_locale"])
    page = tab.page
    choose_language(tab, lang)

    tab.sign_in("guard", "not-the-password")

    assert tab.path == "/login"
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert alert.inner_text().strip() == words["wrong"]
    assert page.locator("html").get_attribute("lang") == words["html_lang"]
    assert page.input_value("input[name=login]") == "guard"
    assert page.input_value("input[name=password]") == "", "a refused password must not be sent back into the page"
    page.set_viewport_size(SMALL_PHONE)
    tab.assert_no_horizontal_scroll("/login with the error at 360 px")
    page.screenshot(path=str(shots / f"login-error-{lang}.png"), full_page=True)
    # the refused attempt did not sign anyone in
    tab.goto("/guard")
    assert tab.path == "/login"


def test_sign_out_button_ends_the_session(tab):
    page = tab.page
    tab.goto("/login")
    tab.sign_in("guard", "Rounds-guard-1")
    assert tab.path == "/guard"
    session_cookies = [c for c in page.context.cookies() if c["name"] == "session"]
    assert session_cookies, "signing in should set the session cookie"

    with page.expect_navigation():
        page.locator("header form[action='/logout'] button").click()

    assert tab.path == "/login"
    assert page.locator("form.form input[name=login]").is_visible()
    assert page.locator("header form[action='/logout']").count() == 0, "still shows a sign-out button"

    response = tab.goto("/guard")
    assert tab.path == "/login", f"/guard still opened after signing out: {page.url}"
    assert parse_qs(urlsplit(page.url).query).get("next") == ["/guard"]
    assert response.status == 200  # the sign-in page, after the redirect
    assert page.locator("input[name=login]").is_visible()

    # the way back in goes to the page that was asked for
    tab.sign_in("guard", "Rounds-guard-1")
    assert tab.path == "/guard"
    assert tab.errors == []


def test_language_switched_after_sign_in_is_kept_for_the_person(live_server, open_tab):
    """The language buttons in the top bar change the page and are remembered for the next sign-in."""
    live_server.save_language("guard2", "zh")
    tab = open_tab()
    page = tab.page
    tab.goto("/login")
    tab.sign_in("guard2", "Rounds-guard-2")
    assert tab.path == "/guard"
    assert page.locator("html").get_attribute("lang") == "zh-Hans"

    with page.expect_navigation():
        page.get_by_role("button", name="English", exact=True).click()
    assert tab.path == "/guard", "switching language should stay on the same page"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("header form[action='/logout'] button").inner_text().strip() == "Sign out"

    # a new phone (fresh context, Chinese browser): after sign-in the person's choice wins
    other = open_tab(locale="zh-CN")
    other.goto("/login")
    assert other.page.locator("html").get_attribute("lang") == "zh-Hans"
    other.sign_in("guard2", "Rounds-guard-2")
    assert other.path == "/guard"
    assert other.page.locator("html").get_attribute("lang") == "en"

    with other.page.expect_navigation():
        other.page.get_by_role("button", name="中文", exact=True).click()
    assert other.page.locator("html").get_attribute("lang") == "zh-Hans"
