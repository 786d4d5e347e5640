"""Checkpoints from a spreadsheet (CSV or XLSX): read the table, check every row, report every problem.

Plain Python: bytes and the site's existing codes and areas in, rows and problems out. Row numbers are the
spreadsheet's (the header is row 1), so a manager finds the row in Excel or WPS at once.
"""
from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

FIELDS = ("name", "code", "area", "area_kind", "purpose", "photo_required", "lat", "lng", "radius_m", "checklist")
REQUIRED = ("name", "code")

# Column names understood on import, Chinese and English; compared after _key() folds case, width and spacing.
ALIASES = {
    "name": ("名称", "巡检点名称", "巡更点名称", "点位名称", "检查点名称", "name", "checkpointname", "checkpoint"),
    "code": ("编号", "点位编号", "巡检点编号", "编码", "代码", "code", "shortcode", "checkpointcode"),
    "area": ("区域", "区域名称", "所属区域", "area", "areaname"),
    "area_kind": ("区域类型", "areakind", "areatype"),
    "purpose": ("用途", "点位用途", "purpose", "use"),
    "photo_required": ("需拍照", "需要拍照", "是否拍照", "必须拍照", "拍照", "photorequired", "photo"),
    "lat": ("纬度", "lat", "latitude"),
    "lng": ("经度", "lng", "lon", "long", "longitude"),
    "radius_m": ("半径", "范围", "半径米", "radius", "radiusm", "radiusmetres", "radiusmeters"),
    "checklist": ("检查项", "保洁检查项", "检查项目", "checklist", "checklistitems"),
}

PURPOSES = {  # values are Purpose values in webapp.models
    "patrol": "patrol", "巡更": "patrol", "巡逻": "patrol", "巡检": "patrol",
    "cleaning": "cleaning", "clean": "cleaning", "保洁": "cleaning", "清洁": "cleaning",
    "both": "both", "patrolandcleaning": "both", "patrol+cleaning": "both", "patrol/cleaning": "both",
    "巡更及保洁": "both", "巡更和保洁": "both", "巡更+保洁": "both", "巡更/保洁": "both", "巡更、保洁": "both",
}
AREA_KINDS = {  # values are AreaKind values in webapp.models
    "building": "building", "楼栋": "building", "楼": "building", "楼宇": "building",
    "floor": "floor", "楼层": "floor",
    "basement": "basement", "地下室": "basement", "地库": "basement", "地下车库": "basement",
    "gate": "gate", "出入口": "gate", "大门": "gate", "门岗": "gate",
    "roof": "roof", "屋面": "roof", "屋顶": "roof", "天台": "roof",
    "plantroom": "plant_room", "plant_room": "plant_room", "设备房": "plant_room", "机房": "plant_room",
    "outdoor": "outdoor", "grounds": "outdoor", "室外场地": "outdoor", "室外": "outdoor", "园区": "outdoor",
}
YES = {"yes", "y", "true", "1", "是", "需要", "要", "必须", "√"}
NO = {"no", "n", "false", "0", "否", "不需要", "不要", "不", "×"}
CHECKLIST_SPLIT = re.compile(r"[;；]")
CODE_PATTERN = re.compile(r"[A-Za-z0-9._#/-]+")
MAX_LENGTH = {"name": 200, "code": 20, "area": 200, "checklist_item": 200}
MAX_CHECKLIST_ITEMS = 50
RANGES = {"lat": (-90.0, 90.0), "lng": (-180.0, 180.0), "radius_m": (1.0, 1000.0)}
BLANK_ROWS_BEFORE_STOP = 1000  # a sheet formatted down to row 1,048,576 is not a million checkpoints

# The template a manager downloads: header and two examples in each language; both languages import.
TEMPLATE = {
    "zh": (
        ("名称", "编号", "区域", "区域类型", "用途", "需拍照", "纬度", "经度", "半径(米)", "检查项"),
        ("1号楼大堂", "B1-01", "1号楼", "楼栋", "巡更及保洁", "否", "30.2741", "120.1551", "30", "地面干净；垃圾桶已清理"),
        ("地下车库入口", "P-01", "地下车库", "地下室", "巡更", "是", "", "", "", ""),
    ),
    "en": (
        ("name", "code", "area", "area kind", "purpose", "photo required", "lat", "lng", "radius (m)", "checklist"),
        ("Building 1 lobby", "B1-01", "Building 1", "building", "both", "no", "30.2741", "120.1551", "30",
         "Floor clean; bins emptied"),
        ("Car park entrance", "P-01", "Car park", "basement", "patrol", "yes", "", "", "", ""),
    ),
}

# Files people upload by mistake (images, PDFs, archives), recognised by their first bytes.
_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"Rar!", b"\x1f\x8b", b"7z\xbc\xaf", b"II*\x00", b"MM\x00*")


class ImportRefused(ValueError):
    """The whole file cannot be read as a table of checkpoints; `code` says why, `params` fill the message."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class SiteFacts:
    """What the site has already: codes (case-folded), area names, and (area, name) pairs of active checkpoints."""

    codes: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()
    names: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Problem:
    """One thing wrong: at a row (0 for the file) and column (a field name, or None), with a code and params."""

    row: int
    column: str | None
    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CheckpointRow:
    """A row that passed every check, ready to be saved."""

    row: int
    name: str
    code: str
    area: str
    area_kind: str | None  # only for an area that will be created
    new_area: bool
    purpose: str
    photo_required: bool
    lat: float | None
    lng: float | None
    radius_m: float | None
    checklist: tuple[str, ...]


@dataclass
class Line:
    """One data row of the file as written, with what it became or what is wrong with it."""

    row: int
    values: dict[str, str]
    checkpoint: CheckpointRow | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Preview:
    """Every data row of a file, checked; `ok` when all of them can be saved."""

    lines: list[Line]
    ignored_columns: list[str]
    new_areas: list[str]

    @property
    def problems(self) -> list[Problem]:
        return [p for line in self.lines for p in line.problems]

    @property
    def rows(self) -> list[CheckpointRow]:
        return [line.checkpoint for line in self.lines if line.checkpoint is not None]

    @property
    def bad_rows(self) -> list[int]:
        return [line.row for line in self.lines if line.problems]

    @property
    def ok(self) -> bool:
        return bool(self.lines) and not self.bad_rows


# --- reading ---------------------------------------------------------------------------------------------------

def read_table(content: bytes, filename: str, max_bytes: int, max_rows: int) -> list[list[str]]:
    """The cells of a CSV (UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030) or XLSX file, as strings, blank rows kept."""
    if not content:
        raise ImportRefused("empty_file")
    if len(content) > max_bytes:
        raise ImportRefused("too_large", limit=max_bytes)
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in {"csv", "xlsx", "txt"}:
        raise ImportRefused("not_a_table")
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused("old_excel")  # an .xls, or an .xlsx locked with a password
    if content.startswith(b"PK\x03\x04"):
        table = _read_xlsx(content, max_bytes, max_rows)
    elif suffix == "xlsx":
        raise ImportRefused("not_a_table")
    else:
        table = _read_csv(content)
    if sum(1 for row in table if any(row)) - 1 > max_rows:
        raise ImportRefused("too_many_rows", limit=max_rows)
    return table


def _read_csv(content: bytes) -> list[list[str]]:
    if content.startswith(_MAGIC):
        raise ImportRefused("not_a_table")
    text = _decode(content)
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text):
        raise ImportRefused("not_a_table")  # control characters: binary, not text
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = next((d for d in (",", "\t", ";") if d in first), ",")
    try:
        return [[_clean(cell) for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:
        raise ImportRefused("not_a_table") from None


def _decode(content: bytes) -> str:
    """Text from bytes: a BOM decides; else UTF-8 if it is valid; else GB18030, what Excel on Chinese Windows writes."""
    if content.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        if b"\x00" in content:
            raise ImportRefused("not_a_table")
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused("unknown_encoding")


def _read_xlsx(content: bytes, max_bytes: int, max_rows: int) -> list[list[str]]:
    import openpyxl  # only for XLSX uploads

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ImportRefused("not_a_table") from None
    if "xl/workbook.xml" not in names:
        raise ImportRefused("not_a_table")  # a zip, a .docx or an .ods, not an Excel workbook
    if unpacked > 50 * max_bytes:
        raise ImportRefused("too_large", limit=max_bytes)  # a zip bomb dressed as a workbook
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows, filled, blank_run = [], 0, 0
        for values in sheet.iter_rows(values_only=True):
            row = [_cell(v) for v in values]
            filled, blank_run = (filled + 1, 0) if any(row) else (filled, blank_run + 1)
            if blank_run > BLANK_ROWS_BEFORE_STOP:
                break
            rows.append(row)
            if filled > max_rows + 1:
                break  # enough to say the file has too many rows
        workbook.close()
    except ImportRefused:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged file; all mean the same to the manager
        raise ImportRefused("not_a_table") from None
    return rows


def _cell(value) -> str:
    """A spreadsheet cell as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _clean(str(value))


def _clean(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u3000", " ").strip()


# --- checking --------------------------------------------------------------------------------------------------

def _key(text: str) -> str:
    """A column name or choice folded for comparison: full-width to half-width, case, spaces, - and _ dropped."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text).casefold())


_COLUMN_BY_KEY = {_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}


def named_column(header: str, by_key: dict[str, str]) -> str | None:
    """The field a header cell names among `by_key` (folded alias → field): "名称", "Name", "名称(name)", "半径（米）"
    and "radius (m)" are all understood."""
    key = _key(header)
    outside = re.sub(r"\(.*?\)", "", key)
    inside = re.findall(r"\((.*?)\)", key)
    for candidate in (key, outside, *inside, *key.split("/")):
        if candidate in by_key:
            return by_key[candidate]
    return None


def column_for(header: str) -> str | None:
    """The checkpoint field a header cell names."""
    return named_column(header, _COLUMN_BY_KEY)


def data_rows(table: list[list[str]], by_key: dict[str, str], required) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The header (the first non-empty row) read against `by_key`, then every data row with something in a known
    column, as (its row number in the file, its values by field); and the header cells no field is named by."""
    header_at = next((i for i, row in enumerate(table) if any(row)), None)
    if header_at is None:
        raise ImportRefused("empty_file")
    columns: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(table[header_at]):
        name = named_column(cell, by_key) if cell else None
        if name is None:
            if cell:
                ignored.append(cell)
        elif name in columns:
            raise ImportRefused("duplicate_column", column=name)
        else:
            columns[name] = index
    missing = [name for name in required if name not in columns]
    if missing:
        raise ImportRefused("missing_columns", columns=missing)
    rows = []
    for offset, row in enumerate(table[header_at + 1:], start=header_at + 2):
        values = {name: (row[i] if i < len(row) else "") for name, i in columns.items()}
        if any(values.values()):  # a row with only a note in an ignored column is no record
            rows.append((offset, values))
    if not rows:
        raise ImportRefused("no_rows")
    return rows, ignored


def check(table: list[list[str]], site: SiteFacts) -> Preview:
    """Check every data row of `table` (header first) against the rules and the site; report every problem."""
    rows, ignored = data_rows(table, _COLUMN_BY_KEY, REQUIRED)
    lines = [Line(row=offset, values=values) for offset, values in rows]
    for line in lines:
        line.checkpoint = _check_row(line, site)
    _check_across_rows(lines)
    new_areas = []
    for line in lines:
        if line.problems:
            line.checkpoint = None
        elif line.checkpoint.new_area and line.checkpoint.area not in new_areas:
            new_areas.append(line.checkpoint.area)
    return Preview(lines=lines, ignored_columns=ignored, new_areas=new_areas)


def _check_row(line: Line, site: SiteFacts) -> CheckpointRow | None:
    v = line.values
    problems = line.problems

    def problem(column: str | None, code: str, **params) -> None:
        problems.append(Problem(line.row, column, code, params))

    for name in REQUIRED:
        if not v.get(name):
            problem(name, "required")
    for name in ("name", "code", "area"):
        if len(v.get(name, "")) > MAX_LENGTH[name]:
            problem(name, "too_long", max=MAX_LENGTH[name])
    code = v.get("code", "")
    if code and not CODE_PATTERN.fullmatch(code):
        problem("code", "bad_code")
    elif code.casefold() in site.codes:
        problem("code", "code_exists", value=code)
    area = v.get("area", "")
    new_area = bool(area) and area not in site.areas
    area_kind = None
    if v.get("area_kind"):
        area_kind = AREA_KINDS.get(_key(v["area_kind"]))
        if area_kind is None:
            problem("area_kind", "bad_area_kind", value=v["area_kind"])
        elif not area:
            problem("area_kind", "kind_without_area")
    if v.get("name") and (area, v["name"].casefold()) in site.names:
        problem("name", "name_exists", value=v["name"])
    purpose = "patrol"
    if v.get("purpose"):
        purpose = PURPOSES.get(_key(v["purpose"]))
        if purpose is None:
            problem("purpose", "bad_purpose", value=v["purpose"])
    photo = _yes_no(v.get("photo_required", ""))
    if photo is None:
        problem("photo_required", "bad_yes_no", value=v["photo_required"])
    numbers = {}
    for name in ("lat", "lng", "radius_m"):
        numbers[name] = _number(v.get(name, ""), name, problem)
    if (v.get("lat") == "") != (v.get("lng") == ""):
        problem("lng" if v.get("lat") else "lat", "position_incomplete")
    if v.get("radius_m") and not (v.get("lat") and v.get("lng")):
        problem("radius_m", "radius_without_position")
    items = tuple(item.strip() for item in CHECKLIST_SPLIT.split(v.get("checklist", "")) if item.strip())
    if len(items) > MAX_CHECKLIST_ITEMS:
        problem("checklist", "too_many_items", max=MAX_CHECKLIST_ITEMS)
    if any(len(item) > MAX_LENGTH["checklist_item"] for item in items):
        problem("checklist", "item_too_long", max=MAX_LENGTH["checklist_item"])
    if problems:
        return None
    return CheckpointRow(row=line.row, name=v["name"], code=code, area=area, area_kind=area_kind if new_area else None,
                         new_area=new_area, purpose=purpose, photo_required=bool(photo), lat=numbers["lat"],
                         lng=numbers["lng"], radius_m=numbers["radius_m"], checklist=items)


def _check_across_rows(lines: list[Line]) -> None:
    """Codes used twice in the file, a name twice in one area, and a new area given two kinds: every row told."""
    _same("code", "duplicate_code", lines, lambda v: v.get("code", "").casefold())
    _same("name", "duplicate_name", lines, lambda v: (v.get("area", ""), v["name"].casefold()) if v.get("name") else "")
    kinds: dict[str, tuple[str, int]] = {}
    for line in lines:
        cp = line.checkpoint
        if cp and cp.new_area and cp.area_kind:
            kind, row = kinds.setdefault(cp.area, (cp.area_kind, line.row))
            if kind != cp.area_kind:
                line.problems.append(Problem(line.row, "area_kind", "kind_conflict", {"area": cp.area, "other": row}))


def _same(column: str, code: str, lines: list[Line], key) -> None:
    """Tell each row whose `key` another row shares which rows those are."""
    rows: dict = {}
    for line in lines:
        if key(line.values):
            rows.setdefault(key(line.values), []).append(line.row)
    for line in lines:
        others = [r for r in rows.get(key(line.values), []) if r != line.row]
        if others and key(line.values):
            line.problems.append(Problem(line.row, column, code, {"value": line.values[column],
                                                                 "rows": ", ".join(map(str, others))}))


def _yes_no(text: str) -> bool | None:
    key = _key(text)
    if key == "" or key in NO:
        return False
    if key in YES:
        return True
    return None


def _number(text: str, column: str, problem) -> float | None:
    if not text:
        return None
    try:
        value = float(unicodedata.normalize("NFKC", text).replace(" ", ""))
    except ValueError:
        problem(column, "bad_number", value=text)
        return None
    low, high = RANGES[column]
    if not math.isfinite(value) or not low <= value <= high:
        problem(column, "out_of_range", low=_plain(low), high=_plain(high))
        return None
    return value


def _plain(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


def template_csv(language: str) -> str:
    """The import template: a header row and two example rows, in `language` ("zh" or "en")."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(TEMPLATE.get(language, TEMPLATE["zh"]))
    return out.getvalue()
