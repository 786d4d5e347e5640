"""Every XLSX the app writes is made here: text stays text, never a formula (OWASP's CSV-injection rule), and
characters a workbook cannot hold are dropped instead of failing the whole export."""
from __future__ import annotations

import re
from collections.abc import Iterable
from io import BytesIO

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

# a text starting with one of these may be read as a formula by a spreadsheet (now or when the cell is edited)
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _clean(value):
    """A value as a cell may hold it: control characters an XLSX cannot store are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


class Sheet(Worksheet):
    """A worksheet whose cells are cleaned as they are written."""

    def append(self, iterable) -> None:
        super().append([_clean(v) for v in iterable])

    def cell(self, row: int, column: int, value=None):
        return super().cell(row, column, _clean(value))

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, _clean(value))


class Workbook(openpyxl.Workbook):
    """The app's workbook: every sheet is a `Sheet`; save it with `as_bytes`."""

    def __init__(self) -> None:
        super().__init__()
        self._sheets = [Sheet(self)]

    def create_sheet(self, title: str | None = None, index: int | None = None) -> Sheet:
        sheet = Sheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet


def neutralise(book: openpyxl.Workbook) -> None:
    """Turn every text cell that a spreadsheet could take for a formula into plain text (quote-prefixed).

    The app writes no formulas: any cell openpyxl took for one came from a text (a description, a name).
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(RISKY_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def as_bytes(book: openpyxl.Workbook) -> bytes:
    """The XLSX bytes of a workbook, neutralised first."""
    neutralise(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def without_names(data: bytes, names: Iterable[str], stand_in: str = "—") -> bytes:
    """The XLSX with every one of these names in its text cells replaced by `stand_in` (for a client who may not see
    staff names): a name column, a name inside a sentence, on every sheet."""
    wanted = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    book = openpyxl.load_workbook(BytesIO(data))
    if wanted:
        pattern = re.compile("|".join(re.escape(n) for n in wanted))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and pattern.search(cell.value):
                        cell.value = pattern.sub(stand_in, cell.value)
    return as_bytes(book)
