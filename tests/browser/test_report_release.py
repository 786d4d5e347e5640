"""The month's report from the manager's desk to the client's phone: the manager generates the monthly summary
(a job of the report queue), drills into one of its figures, releases it; the client signs in, sees it and opens
its PDF, and cannot reach another site's reports."""
from __future__ import annotations

import pypdfium2

from tests.browser.conftest import PHONE


def test_a_released_monthly_report_reaches_the_client_and_no_other(open_tab, live_server, shots):
    chg, bj = live_server.site_ids["CHG"], live_server.site_ids["BJ"]
    manager = open_tab(viewport={"width": 1280, "height": 900})
    page = manager.page
    manager.goto("/login")
    manager.sign_in("manager", "Rounds-manager-1")

    # a figure of the month opens the records it counts
    manager.goto(f"/sites/{chg}/reports?period=month")
    link = page.locator("a[data-figure='cleaning.checks']")
    checks = int(link.inner_text())
    with page.expect_navigation():
        link.click()
    assert page.locator("table.records tbody tr[data-id]").count() == min(checks, 500) > 0

    # generate the monthly summary, then release it
    manager.goto(f"/sites/{chg}/generated-reports")
    page.select_option("select[name=kind]", "monthly_summary")
    with page.expect_navigation():
        page.click("form.inline-form button.primary")
    page.wait_for_selector("tr.generated-ready")
    row = page.locator("tr.generated-ready").first
    assert row.locator("form button").count() == 1  # ready, not yet released
    with page.expect_navigation():
        row.locator("form button").click()
    released = page.locator("tr.generated-ready").first
    assert "李敏" in released.inner_text() and released.locator("form").count() == 0  # released by the manager, for good
    page.screenshot(path=str(shots / "report-released.png"), full_page=True)

    # the client sees it on a phone and opens the PDF
    client = open_tab(viewport=PHONE)
    client.goto("/login")
    client.sign_in("client", "Rounds-client-1")
    assert client.goto(f"/portal/sites/{chg}/reports").status == 200
    pdf_link = client.page.locator("main a", has_text="PDF").first
    answer = client.page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/pdf")
    document = pypdfium2.PdfDocument(answer.body())
    assert "翠湖花园" in document[0].get_textpage().get_text_range()
    client.assert_no_horizontal_scroll()
    assert client.goto(f"/portal/sites/{bj}/reports").status == 404
    assert not manager.errors, manager.errors
