"""The handover as a printed 交接班记录 form (A4), with both signatures and the record's hash."""
from __future__ import annotations

import base64
import io

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from webapp.fonts import cjk_face_index
from webapp.i18n import gap_sentence, label_of
from webapp.models import Handover

FONT = "cjk"


def _signature(pdf: FPDF, data_url: str | None, x: float, y: float) -> None:
    if data_url:
        pdf.image(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1])), x=x, y=y, h=18)


def _table(pdf: FPDF, headings: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5.5, first_row_as_headings=True,
                   headings_style=FontFace(emphasis=None, fill_color=(230, 234, 240))) as table:
        table.row([str(h) for h in headings])
        for row in rows or [["—"] + [""] * (len(headings) - 1)]:
            table.row([str(cell if cell is not None else "") for cell in row])


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, size=11)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)


def render(record: dict, handover: Handover, font_path: str, head: tuple[int, str] | None = None) -> bytes:
    """The form as PDF bytes."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_font(FONT, fname=font_path, collection_font_number=cjk_face_index(font_path))
    pdf.add_page()
    pdf.set_font(FONT, size=16)
    pdf.cell(0, 10, _("Shift handover record") + " · " + record["site"]["name"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    shift = record["shift"]
    _table(pdf, [_("Shift"), _("From"), _("To"), _("Outgoing lead"), _("Incoming lead")],
           [[shift["name"] + " " + shift["date"], shift["starts"], shift["ends"], record["outgoing_lead"], record["incoming_lead"]]],
           (30, 30, 30, 30, 30))
    pdf.multi_cell(0, 5, _("On the roster") + ": " + "、".join(record["staff"]), new_x="LMARGIN", new_y="NEXT")
    figures = record["round_figures"]
    _section(pdf, _("Patrol rounds") + f" — {figures['done']}/{figures['due']}" +
             (f" ({figures['rate']}%)" if figures["rate"] is not None else ""))
    _table(pdf, [_("Due"), _("Route"), _("State"), _("Visited"), _("Missed checkpoints")],
           [[r["due"], r["route"], label_of("state", r["state"]) + (f" ({_('provisional')})" if r.get("provisional") else ""),
             f"{r['visited']}/{r['total']}", "、".join(r["missing"])]
            for r in record["rounds"]], (28, 40, 22, 16, 64))
    g = record["gap_figures"]
    _section(pdf, _("Exceptions") + " — " + _("%(total)s in all: %(accepted)s accepted, %(explained)s explained, "
                                               "%(unexplained)s unexplained", **g))
    _table(pdf, [_("When"), _("What"), _("Who"), _("State")],
           [[x["at"], gap_sentence(x["explanation"], x["params"]) + (f" — {x['explained']}" if x["explained"] else "")
             + (f" [{_('acknowledged')}: {x['acknowledged']}]" if x["acknowledged"] else ""), x["person"],
             label_of("life", x["state"])] for x in record["gaps"]], (26, 104, 20, 20))
    _section(pdf, _("Incidents"))
    _table(pdf, [_("When"), _("What"), _("Where"), _("Open")],
           [[i["at"], label_of("kind", i["kind"]) + ": " + i["description"], i["place"], _("Yes") if i["open"] else _("No")]
            for i in record["incidents"]], (26, 94, 34, 16))
    _section(pdf, _("Cleaning"))
    _table(pdf, [_("Area"), _("Due"), _("Done"), _("Failed items")],
           [[c["area"], c["due"], c["done"], c["failed"]] for c in record["cleaning"]], (70, 30, 30, 40))
    _section(pdf, _("Items handed over"))
    _table(pdf, [_("Item"), _("Handed over"), _("Received"), _("Note")],
           [[i["name"], i["out"], i["in"] if i["in"] is not None else "", i["note"]] for i in record["items"]], (70, 30, 30, 40))
    _section(pdf, _("Remarks"))
    pdf.multi_cell(0, 5, (_("Outgoing lead") + ": " + (record["remarks_out"] or "—")), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, (_("Incoming lead") + ": " + (record["remarks_in"] or "—")), new_x="LMARGIN", new_y="NEXT")
    if record.get("refusal"):
        pdf.multi_cell(0, 5, _("Refused") + f" {record['refusal']['at']}: {record['refusal']['reason']}", new_x="LMARGIN", new_y="NEXT")
    _section(pdf, _("Signatures"))
    y = pdf.get_y()
    pdf.cell(95, 5, _("Outgoing lead") + f" {record['signed_out_at'] or ''}")
    pdf.cell(95, 5, _("Incoming lead") + f" {record['accepted_at'] or ''}", new_x="LMARGIN", new_y="NEXT")
    _signature(pdf, handover.out_signature, pdf.l_margin, y + 6)
    _signature(pdf, handover.in_signature, pdf.l_margin + 95, y + 6)
    pdf.set_y(y + 26)
    pdf.set_font(FONT, size=7)
    if handover.sha256:
        pdf.multi_cell(0, 4, f"SHA-256 {handover.sha256}\n" + _("Previous") + f" {handover.prev_sha256 or '—'} · #{handover.sequence}",
                       new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(0, 4, _("Not closed yet: this print is a draft."), new_x="LMARGIN", new_y="NEXT")
    if head:
        pdf.multi_cell(0, 4, _("Head of the chain when printed") + f": {record['site']['name']} #{head[0]} {head[1]}",
                       new_x="LMARGIN", new_y="NEXT")
    for addendum in handover.addenda:
        pdf.multi_cell(0, 4, _("Addendum") + f" {addendum.created_at:%Y-%m-%d %H:%M} UTC · {addendum.person.name}: {addendum.text}"
                       + f" · {addendum.sha256[:16]}…", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
