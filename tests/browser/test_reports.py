"""At 390 × 844: a site manager opens the month's service report, its charts draw (no console error under the strict
CSP), nothing scrolls sideways, and a figure opens exactly the records it counts."""
from __future__ import annotations


def test_a_manager_reads_the_monthly_report_on_a_phone_and_drills_into_a_figure(live_server, tab, shots):
    site_id = live_server.site_ids["CHG"]
    tab.goto("/login")
    tab.sign_in("manager", "Rounds-manager-1")
    tab.goto(f"/sites/{site_id}/reports?period=month")
    page = tab.page
    assert page.locator("h1").inner_text().startswith("服务报告 · 翠湖花园")
    page.wait_for_selector("[data-chart='patrol-rounds'][data-drawn='true'] svg")
    drawn = page.locator("[data-chart][data-drawn='true']")
    assert drawn.count() >= 4
    assert page.locator("[data-chart='patrol-rounds'] svg path").count() > 3  # bars, axes
    box = page.locator("[data-chart='patrol-rounds']").bounding_box()
    assert 300 <= box["width"] <= 390 and box["height"] >= 200
    tab.assert_no_horizontal_scroll()
    page.screenshot(path=str(shots / "report-phone.png"), full_page=True)
    page.emulate_media(media="print")
    assert page.locator(".report-period").is_hidden() and page.locator("#patrol svg").first.is_visible()
    page.emulate_media(media="screen")

    link = page.locator("a[data-figure='patrol.rounds_due']")
    count = int(link.inner_text())
    assert count > 0
    with page.expect_navigation():
        link.click()
    assert tab.path == f"/sites/{site_id}/reports/records"
    assert page.locator("h1").inner_text() == "应巡次数"
    assert page.locator("table.records tbody tr[data-id]").count() == min(count, 500)
    assert not tab.errors, tab.errors
