"""What the import says to a manager, in their language: column names, row problems and refusals."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.imports.checkpoints import ImportRefused, Problem

COLUMNS = {
    "name": _l("Name"),
    "code": _l("Code"),
    "area": _l("Area"),
    "area_kind": _l("Area kind"),
    "purpose": _l("Purpose"),
    "photo_required": _l("Photo required"),
    "lat": _l("Latitude"),
    "lng": _l("Longitude"),
    "radius_m": _l("Radius (m)"),
    "checklist": _l("Checklist"),
    # equipment (webapp/imports/equipment.py)
    "kind": _l("Kind"),
    "location": _l("Location"),
    "make": _l("Make and model"),
    "installed_on": _l("Installed on"),
    "contractor": _l("Maintenance contractor"),
}

PROBLEMS = {
    "required": _l("must be filled in."),
    "too_long": _l("too long: at most %(max)s characters."),
    "bad_code": _l("a code may use only letters, digits and . _ # / -"),
    "code_exists": _l("%(value)s is already the code of a checkpoint of this site."),
    "duplicate_code": _l("%(value)s is also the code in row %(rows)s."),
    "name_exists": _l("this area already has a checkpoint named %(value)s."),
    "duplicate_name": _l("%(value)s is also in the same area in row %(rows)s."),
    "bad_purpose": _l("write patrol, cleaning or both (巡更, 保洁 or 巡更及保洁), not %(value)s."),
    "bad_area_kind": _l("unknown area kind %(value)s: write building, floor, basement, gate, roof, plant room or grounds."),
    "kind_without_area": _l("an area kind needs an area name."),
    "kind_conflict": _l("area %(area)s has another kind in row %(other)s."),
    "bad_yes_no": _l("write yes or no (是 or 否), not %(value)s."),
    "bad_number": _l("not a number: %(value)s."),
    "out_of_range": _l("must be between %(low)s and %(high)s."),
    "position_incomplete": _l("a position needs both latitude and longitude."),
    "radius_without_position": _l("a radius needs a position (latitude and longitude)."),
    "too_many_items": _l("at most %(max)s checklist items."),
    "item_too_long": _l("a checklist item may have at most %(max)s characters."),
    "equipment_code_exists": _l("%(value)s is already the code of a piece of equipment of this site."),
    "bad_equipment_kind": _l("unknown kind %(value)s: write water pump, transformer, fire pump, lift … (水泵, 变压器, 消防泵, 电梯 …)."),
    "unknown_checkpoint": _l("no checkpoint of this site has the code %(value)s."),
    "bad_date": _l("not a date: %(value)s (write it as 2019-06-01)."),
}

REFUSALS = {
    "no_file": _l("Choose a CSV or Excel (.xlsx) file to upload."),
    "empty_file": _l("The file is empty."),
    "too_large": _l("The file is too large: at most %(limit)s."),
    "too_many_rows": _l("The file has more than %(limit)s checkpoints. Split it into several files."),
    "not_a_table": _l("This is not a CSV or Excel (.xlsx) file. Save the spreadsheet as CSV or .xlsx and upload that."),
    "old_excel": _l("This is an old Excel file (.xls) or a workbook locked with a password. Save it as .xlsx "
                    "without a password, or as CSV."),
    "unknown_encoding": _l("The text of this file is in an unknown encoding. Save it as “CSV UTF-8”."),
    "duplicate_column": _l("The column %(column)s appears twice in the header row."),
    "missing_columns": _l("The header row lacks the columns %(columns)s. Download the template to see the columns."),
    "no_rows": _l("The file has a header row but no checkpoints."),
    "expired": _l("The preview has expired or was changed. Upload the file again."),
    "too_big_to_carry": _l("This file is too large to import in one go. Split it into smaller files."),
    "conflict": _l("The site changed while you were looking at the preview; nothing was saved. Check the rows "
                   "below and try again."),
}


def column(name: str | None) -> str:
    """A column's name as the person reads it."""
    return str(COLUMNS.get(name, name or ""))


def problem(p: Problem) -> str:
    """One row problem as a sentence: "Row 5, Code: A01 is also the code in row 3."."""
    reason = str(PROBLEMS.get(p.code, p.code)) % p.params
    if p.column:
        return _("Row %(row)s, %(column)s: %(reason)s", row=p.row, column=column(p.column), reason=reason)
    return _("Row %(row)s: %(reason)s", row=p.row, reason=reason)


def refusal(code: str, **params) -> str:
    """Why a whole file was refused."""
    if "limit" in params and code == "too_large":
        params["limit"] = size(params["limit"])
    if "column" in params:
        params["column"] = column(params["column"])
    if "columns" in params:
        params["columns"] = "、".join(column(c) for c in params["columns"])
    return str(REFUSALS[code]) % params


def refused(error: ImportRefused) -> str:
    """The message for an ImportRefused."""
    return refusal(error.code, **error.params)


def size(n: int) -> str:
    """A byte count for people: 1 MB, 500 KB."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    return f"{max(1, round(n / 1024))} KB"
