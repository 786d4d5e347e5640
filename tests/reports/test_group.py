"""A manager of both demo sites puts them together for November: the group's figures are the two sites' own
figures added up (rates worked out again), every site's figure opens that site's records, the spreadsheet tells the
same numbers; a lead of one site cannot ask for the other."""
from __future__ import annotations

import io
import re

import pypdfium2
from openpyxl import load_workbook

from tests.reports.test_reports import MONTH, _client, _figures, demo  # noqa: F401 (demo: the fixture)

RATES = {"patrol.on_time_rate": ("patrol.rounds_on_time", "patrol.rounds_due"),
         "cleaning.pass_rate": ("cleaning.passed", "cleaning.checks")}


def _totals(html: str) -> dict[str, str]:
    return dict(re.findall(r'<td data-total="([^"]+)">([^<]*)</td>', html))


def _site_cells(html: str, site_id: int) -> dict[str, str]:
    return dict(re.findall(rf'data-site="{site_id}" data-figure="([^"]+)" href="[^"]+">([^<]*)</a>', html))


def test_a_manager_of_both_sites_gets_their_figures_added_up(app, demo):  # noqa: F811
    client = _client(app, "manager", "Rounds-manager-1")
    chg, bj = demo["CHG"], demo["BJ"]
    one = {code: _figures(client.get(f"/sites/{demo[code]}/reports?{MONTH}").get_data(as_text=True)) for code in ("CHG", "BJ")}
    page = client.get(f"/reports/group?sites={chg}&sites={bj}&{MONTH}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "翠湖花园" in html and "滨江商务中心" in html and "<script>" not in html
    assert "均按各自的时区统计各自的周期" in html  # each site's own period in its own zone, said on the page
    totals = _totals(html)
    for key in ("patrol.rounds_due", "patrol.rounds_done", "patrol.rounds_missed", "cleaning.checks", "cleaning.passed",
                "repairs.orders", "repairs.overdue", "quality.inspections", "quality.notices_overdue", "handovers.shifts",
                "handovers.on_time"):
        assert int(totals[key]) == int(one["CHG"][key]) + int(one["BJ"][key]), key
    for key, (part, whole) in RATES.items():
        p = int(one["CHG"][part]) + int(one["BJ"][part])
        w = int(one["CHG"][whole]) + int(one["BJ"][whole])
        assert totals[key] == f"{100.0 * p / w:.1f}%", key
    for code in ("CHG", "BJ"):  # each site's column is that site's own report, linking to its own drill-down
        cells = _site_cells(html, demo[code])
        assert cells["patrol.rounds_due"] == one[code]["patrol.rounds_due"]
        assert cells["repairs.orders"] == one[code]["repairs.orders"]
    link = re.search(rf'data-site="{bj}" data-figure="repairs.orders" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link.startswith(f"/sites/{bj}/reports/records?") and "figure=repairs.orders" in link and "period=month" in link
    listed = re.findall(r'<tr data-id="([^"]+)">', client.get(link).get_data(as_text=True))
    assert len(listed) == int(one["BJ"]["repairs.orders"])


def test_without_sites_the_page_offers_the_persons_sites_to_choose(app, demo):  # noqa: F811
    html = _client(app, "manager", "Rounds-manager-1").get("/reports/group").get_data(as_text=True)
    assert f'name="sites" value="{demo["CHG"]}"' in html and f'name="sites" value="{demo["BJ"]}"' in html
    lead = _client(app, "lead", "Rounds-lead-1").get("/reports/group").get_data(as_text=True)
    assert f'value="{demo["CHG"]}"' in lead and f'value="{demo["BJ"]}"' not in lead
    site_page = _client(app, "manager", "Rounds-manager-1").get(f"/sites/{demo['CHG']}/reports?{MONTH}").get_data(as_text=True)
    assert "/reports/group?sites=" in site_page and "多个项目" in site_page


def test_a_lead_of_one_site_asking_for_both_gets_404(app, demo):  # noqa: F811
    lead = _client(app, "lead", "Rounds-lead-1")
    both = f"sites={demo['CHG']}&sites={demo['BJ']}&{MONTH}"
    assert lead.get(f"/reports/group?{both}").status_code == 404
    assert lead.get(f"/reports/group.xlsx?{both}").status_code == 404
    assert lead.get(f"/reports/group?sites={demo['CHG']}&{MONTH}").status_code == 200
    assert lead.get("/reports/group?sites=x").status_code == 404
    assert _client(app, "guard", "Rounds-guard-1").get(f"/reports/group?sites={demo['CHG']}").status_code == 403


def test_a_bad_period_is_refused_with_its_reason(app, demo):  # noqa: F811
    page = _client(app, "manager", "Rounds-manager-1").get(f"/reports/group?sites={demo['CHG']}&period=custom&from=2026-11-05")
    assert page.status_code == 400 and 'role="alert"' in page.get_data(as_text=True)


def test_the_spreadsheet_read_back_matches_the_page(app, demo):  # noqa: F811
    client = _client(app, "manager", "Rounds-manager-1")
    query = f"sites={demo['CHG']}&sites={demo['BJ']}&{MONTH}"
    html = client.get(f"/reports/group?{query}").get_data(as_text=True)
    totals = _totals(html)
    answer = client.get(f"/reports/group.xlsx?{query}")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["汇总", "各项目"]
    summary = [row for row in book["汇总"].iter_rows(values_only=True) if row and len(row) > 2 and row[2] is not None]
    header = summary[0]
    assert header[2:] == ("全部项目", "滨江商务中心", "翠湖花园")
    by_name = {row[1]: row for row in summary[1:]}
    assert by_name["应巡次数"][2] == int(totals["patrol.rounds_due"]) == by_name["应巡次数"][3] + by_name["应巡次数"][4]
    per_site = list(book["各项目"].iter_rows(values_only=True))
    total_row = next(row for row in per_site if row[0] == "全部项目")
    assert total_row[2] == int(totals["patrol.rounds_due"]) and total_row[3] == int(totals["patrol.rounds_done"])
    assert f"{total_row[4]:.1f}%" == totals["patrol.on_time_rate"]
    bj_row = next(row for row in per_site if row[0] == "滨江商务中心")
    assert str(bj_row[2]) == _site_cells(html, demo["BJ"])["patrol.rounds_due"]


def test_the_pdf_tells_the_pages_totals_for_every_site(app, demo):  # noqa: F811
    client = _client(app, "manager", "Rounds-manager-1")
    query = f"sites={demo['CHG']}&sites={demo['BJ']}&{MONTH}"
    totals = _totals(client.get(f"/reports/group?{query}").get_data(as_text=True))
    answer = client.get(f"/reports/group.pdf?{query}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    pdf = pypdfium2.PdfDocument(answer.data)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "多项目服务报告" in text and "目录" in text and "翠湖花园" in text and "滨江商务中心" in text
    assert re.search(rf"应巡次数\s+{totals['patrol.rounds_due']}\b", text), totals["patrol.rounds_due"]
    assert client.get(f"/reports/group.pdf?sites={demo['CHG']}&period=nonsense").status_code == 400
