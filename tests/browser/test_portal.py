"""The demo client (翠湖花园业主委员会) on a phone: the portal, the live board without staff names, and nothing else."""
from __future__ import annotations

from webapp.demo import ACCOUNTS

STAFF_NAMES = [name for login, _, role, name, _ in ACCOUNTS if role.value != "client"]


def test_the_demo_client_sees_its_site_read_only_and_not_another(live_server, tab, shots):
    page = tab.page
    assert tab.goto("/login").status == 200
    tab.sign_in("client", "Rounds-client-1")
    assert tab.path == "/portal/"
    assert "翠湖花园" in page.locator("main").inner_text() and "滨江商务中心" not in page.locator("main").inner_text()
    nav = page.locator("nav.nav").inner_text()
    assert "项目" not in nav.replace("我的项目", "") and "设置" not in nav

    with page.expect_navigation():
        page.locator("main a", has_text="实时看板").first.click()
    assert tab.path == f"/portal/sites/{live_server.site_ids['CHG']}"
    board = page.locator("main").inner_text()
    assert "翠湖花园" in board and "实时看板" in board
    assert not [name for name in STAFF_NAMES if name in board], "the board shows staff names"
    assert page.locator("main form").count() == 0, "the client's board has nothing to submit"
    tab.assert_no_horizontal_scroll("the client's board at 390 px")
    page.screenshot(path=str(shots / "portal-board.png"), full_page=True)

    for path in ("/portal/sites/{}/reports", "/portal/sites/{}/chain"):
        assert tab.goto(path.format(live_server.site_ids["CHG"])).status == 200
        tab.assert_no_horizontal_scroll(path)
    assert not tab.errors, tab.errors
    assert tab.goto(f"/portal/sites/{live_server.site_ids['BJ']}").status == 404  # 滨江商务中心 is not theirs
    assert "滨江商务中心" not in page.locator("main").inner_text()
    assert tab.goto(f"/sites/{live_server.site_ids['CHG']}/board").status == 403  # the staff board is not for clients
    assert all("404" in e or "403" in e for e in tab.errors), tab.errors  # only the refused pages themselves
