"""A4 sheets of QR labels (3 × 4 a page) for checkpoints: plain values in, PDF bytes out."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import qrcode
from fpdf import FPDF
from fpdf.drawing import PaintedPath
from fpdf.enums import PathPaintRule

from webapp.fonts import cjk_face_index

PAGE_W, PAGE_H = 210.0, 297.0  # A4, millimetres
COLS, ROWS = 3, 4
MARGIN_X, MARGIN_Y = 6.0, 5.0  # room for the printer's unprintable edge; the cut lines frame the labels
CELL_W, CELL_H = (PAGE_W - 2 * MARGIN_X) / COLS, (PAGE_H - 2 * MARGIN_Y) / ROWS
PAD = 2.0
SYMBOL_MM = 41.0  # the QR symbol without its quiet zone: 40 mm and up scan from a whole-page photo (MACHINE-NOTES)
QUIET_MODULES = 4  # the quiet zone the QR standard asks for; nothing is drawn inside it
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q  # 25% of the symbol may be dirt or scratches
PT = 25.4 / 72  # millimetres in a typographic point
FONT = "label"


class Label(NamedTuple):
    """What one label shows: the scan URL as a QR code, the checkpoint's name, its site, area and short code."""

    url: str
    name: str
    site: str
    area: str
    code: str


class LabelFontMissing(FileNotFoundError):
    """The font that draws Chinese names on labels is not where the configuration says."""

    def __init__(self, path: str):
        super().__init__(
            f"The label font {path!r} does not exist. Install Debian's fonts-noto-cjk, or set LABEL_FONT to a "
            "font with Chinese glyphs (.ttf, .otf or .ttc)."
        )
        self.path = path


def qr_modules(url: str) -> list[list[bool]]:
    """The QR matrix for `url` (error correction Q, smallest version that holds it), without quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=0)
    code.add_data(url)
    code.make(fit=True)
    return [list(row) for row in code.modules]


def render_sheet(labels: Iterable[Label | tuple], font_path: str, title: str = "Rounds QR labels") -> bytes:
    """An A4 PDF with one label per checkpoint, twelve a page, with dashed cut lines between labels."""
    labels = [Label(*label) for label in labels]
    if not labels:
        raise ValueError("no labels to print")
    if not Path(font_path).is_file():
        raise LabelFontMissing(font_path)
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(title)
    pdf.set_creator("Rounds")
    pdf.add_font(FONT, fname=font_path, collection_font_number=cjk_face_index(font_path))
    per_page = COLS * ROWS
    for start in range(0, len(labels), per_page):
        pdf.add_page()
        _cut_lines(pdf)
        for slot, label in enumerate(labels[start:start + per_page]):
            col, row = slot % COLS, slot // COLS
            _label(pdf, label, MARGIN_X + col * CELL_W, MARGIN_Y + row * CELL_H)
    return bytes(pdf.output())


def _cut_lines(pdf: FPDF) -> None:
    """Light dashed lines around every label, to cut along."""
    pdf.set_draw_color(150)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=2, gap=1.5)
    for col in range(COLS + 1):
        x = MARGIN_X + col * CELL_W
        pdf.line(x, MARGIN_Y, x, PAGE_H - MARGIN_Y)
    for row in range(ROWS + 1):
        y = MARGIN_Y + row * CELL_H
        pdf.line(MARGIN_X, y, PAGE_W - MARGIN_X, y)
    pdf.set_dash_pattern()


def _label(pdf: FPDF, label: Label, x0: float, y0: float) -> None:
    """One label: site · area on top, the QR code, then the name and, in large type, the code."""
    width = CELL_W - 2 * PAD
    centre = x0 + CELL_W / 2
    place = " · ".join(part for part in (label.site, label.area) if part)
    top_baseline = y0 + PAD + 8 * PT
    _text(pdf, place, centre, top_baseline, width, size=8, smallest=5.5, grey=60)

    code_baseline = y0 + CELL_H - PAD - 1.0
    code_size = _text(pdf, label.code, centre, code_baseline, width, size=24, smallest=10)
    name_baseline = code_baseline - code_size * PT * 0.95
    name_size = _text(pdf, label.name, centre, name_baseline, width, size=11, smallest=6.5)

    modules = qr_modules(label.url)
    module = SYMBOL_MM / len(modules)
    quiet = QUIET_MODULES * module
    room_top = top_baseline + 1.0  # below the descenders of the top line
    room_bottom = name_baseline - name_size * PT * 0.9  # above the name's ascenders
    symbol_top = room_top + quiet + max(0.0, (room_bottom - room_top - SYMBOL_MM - 2 * quiet) / 2)
    if symbol_top + SYMBOL_MM + quiet > room_bottom + 1e-6:
        raise ValueError(f"a QR code of {len(modules)} modules does not fit on a label: shorten BASE_URL")
    _qr(pdf, modules, centre - SYMBOL_MM / 2, symbol_top, module)


def _text(pdf: FPDF, text: str, centre: float, baseline: float, width: float, size: float, smallest: float,
          grey: int = 0) -> float:
    """Draw one centred line, shrunk to fit `width` (down to `smallest` points, then cut with an ellipsis)."""
    pdf.set_font(FONT, size=size)
    while size > smallest and pdf.get_string_width(text) > width:
        size = max(smallest, size - 0.5)
        pdf.set_font(FONT, size=size)
    if pdf.get_string_width(text) > width:
        while text and pdf.get_string_width(text + "…") > width:
            text = text[:-1]
        text += "…"
    pdf.set_text_color(grey)
    pdf.text(centre - pdf.get_string_width(text) / 2, baseline, text)
    return size


def _qr(pdf: FPDF, modules: list[list[bool]], left: float, top: float, module: float) -> None:
    """The dark modules as one filled path of horizontal runs, so no hairline seams show between them."""
    path = PaintedPath()
    path.style.fill_color = "#000000"
    path.style.stroke_color = None
    path.style.paint_rule = PathPaintRule.FILL_NONZERO
    for r, row in enumerate(modules):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            run = c
            while run < len(row) and row[run]:
                run += 1
            path.rectangle(left + c * module, top + r * module, (run - c) * module, module)
            c = run
    pdf.draw_path(path, copy=False)  # built here and never changed after: no need for fpdf2's deep copy
