"""Equipment (设备台账) from a spreadsheet, checked like checkpoints: every row, every problem, nothing saved half.

Plain Python: the table (read by webapp.imports.checkpoints.read_table) and the site's codes in, rows and problems out.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from webapp.domain import days
from webapp.imports.checkpoints import CODE_PATTERN, Problem, _key, _same, data_rows

FIELDS = ("name", "code", "kind", "location", "make", "installed_on", "contractor")
REQUIRED = ("name", "code")
MAX_LENGTH = {"name": 200, "code": 40, "make": 200, "contractor": 200}

ALIASES = {
    "name": ("名称", "设备名称", "name", "equipment", "equipmentname"),
    "code": ("编号", "设备编号", "编码", "code", "equipmentcode", "assetno", "assetnumber"),
    "kind": ("类型", "设备类型", "类别", "kind", "type"),
    "location": ("位置", "安装位置", "所在巡检点", "巡检点编号", "点位编号", "location", "checkpoint", "checkpointcode"),
    "make": ("品牌", "品牌型号", "型号", "厂家", "make", "model", "manufacturer"),
    "installed_on": ("安装日期", "启用日期", "installed", "installedon", "installdate", "installationdate"),
    "contractor": ("维保单位", "维保公司", "维保", "contractor", "maintenancecontractor"),
}
KINDS = {  # values are webapp.models.EQUIPMENT_KINDS
    "pump": "pump", "水泵": "pump", "生活水泵": "pump", "排污泵": "pump",
    "transformer": "transformer", "变压器": "transformer",
    "switchgear": "switchgear", "配电柜": "switchgear", "高压柜": "switchgear", "低压柜": "switchgear",
    "firepump": "fire_pump", "fire_pump": "fire_pump", "消防泵": "fire_pump", "喷淋泵": "fire_pump", "消火栓泵": "fire_pump",
    "hydrant": "hydrant", "消火栓": "hydrant",
    "lift": "lift", "elevator": "lift", "电梯": "lift", "扶梯": "lift",
    "watertank": "water_tank", "water_tank": "water_tank", "水箱": "water_tank", "水池": "water_tank",
    "generator": "generator", "发电机": "generator", "柴油发电机": "generator",
    "ventilation": "ventilation", "风机": "ventilation", "排风机": "ventilation", "送风机": "ventilation",
    "other": "other", "其他": "other", "其它": "other",
}

TEMPLATE = {
    "zh": (
        ("名称", "编号", "类型", "位置", "品牌型号", "安装日期", "维保单位"),
        ("1号生活水泵", "PUMP-01", "水泵", "B2-01", "格兰富 CR32", "2019-06-01", "杭州某某机电"),
        ("1号消防泵", "FP-01", "消防泵", "B2-02", "上海连成", "2019-06-01", "某某消防"),
    ),
    "en": (
        ("name", "code", "kind", "location", "make", "installed on", "contractor"),
        ("Domestic water pump 1", "PUMP-01", "pump", "B2-01", "Grundfos CR32", "2019-06-01", "Acme M&E"),
        ("Fire pump 1", "FP-01", "fire pump", "B2-02", "Liancheng", "2019-06-01", "Acme Fire"),
    ),
}


@dataclass(frozen=True)
class SiteEquipment:
    """What the site has already: equipment codes (case-folded) and checkpoint ids by code (case-folded)."""

    codes: frozenset[str] = frozenset()
    checkpoints: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class EquipmentRow:
    """A row that passed every check, ready to be saved."""

    row: int
    name: str
    code: str
    kind: str
    checkpoint_id: int | None
    make: str
    installed_on: date | None
    contractor: str


@dataclass
class Line:
    """One data row as written, with what it became or what is wrong with it."""

    row: int
    values: dict[str, str]
    equipment: EquipmentRow | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Preview:
    """Every data row of a file, checked; `ok` when all of them can be saved."""

    lines: list[Line]
    ignored_columns: list[str]

    @property
    def rows(self) -> list[EquipmentRow]:
        return [line.equipment for line in self.lines if line.equipment is not None]

    @property
    def bad_rows(self) -> list[int]:
        return [line.row for line in self.lines if line.problems]

    @property
    def ok(self) -> bool:
        return bool(self.lines) and not self.bad_rows


_COLUMN_BY_KEY = {_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}


def check(table: list[list[str]], site: SiteEquipment) -> Preview:
    """Check every data row of `table` (header first) against the rules and the site."""
    rows, ignored = data_rows(table, _COLUMN_BY_KEY, REQUIRED)
    lines = [Line(row=offset, values=values) for offset, values in rows]
    for line in lines:
        line.equipment = _check_row(line, site)
    _same("code", "duplicate_code", lines, lambda v: v.get("code", "").casefold())
    for line in lines:
        if line.problems:
            line.equipment = None
    return Preview(lines=lines, ignored_columns=ignored)


def _check_row(line: Line, site: SiteEquipment) -> EquipmentRow | None:
    v = line.values

    def problem(column: str, code: str, **params) -> None:
        line.problems.append(Problem(line.row, column, code, params))

    for name in REQUIRED:
        if not v.get(name):
            problem(name, "required")
    for name, limit in MAX_LENGTH.items():
        if len(v.get(name, "")) > limit:
            problem(name, "too_long", max=limit)
    code = v.get("code", "")
    if code and not CODE_PATTERN.fullmatch(code):
        problem("code", "bad_code")
    elif code.casefold() in site.codes:
        problem("code", "equipment_code_exists", value=code)
    kind = "other"
    if v.get("kind"):
        kind = KINDS.get(_key(v["kind"])) or KINDS.get(v["kind"].strip())
        if kind is None:
            problem("kind", "bad_equipment_kind", value=v["kind"])
    checkpoint_id = None
    if v.get("location"):
        checkpoint_id = site.checkpoints.get(v["location"].strip().casefold())
        if checkpoint_id is None:
            problem("location", "unknown_checkpoint", value=v["location"])
    installed = None
    if v.get("installed_on"):
        text = unicodedata.normalize("NFKC", v["installed_on"]).strip()[:10].replace("/", "-").replace(".", "-")
        installed = days.day_or_none(_padded(text))
        if installed is None:
            problem("installed_on", "bad_date", value=v["installed_on"])
    if line.problems:
        return None
    return EquipmentRow(row=line.row, name=v["name"], code=code, kind=kind, checkpoint_id=checkpoint_id,
                        make=v.get("make", ""), installed_on=installed, contractor=v.get("contractor", ""))


def _padded(text: str) -> str:
    """2019-6-1 as 2019-06-01, the form date.fromisoformat reads."""
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[0]:0>4}-{parts[1]:0>2}-{parts[2]:0>2}"
    return text
