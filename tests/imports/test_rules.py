"""The import rules on plain values: how files are read and how every row is checked (no app, no database)."""
from __future__ import annotations

import io
import zipfile

import pytest

from tests.imports.files import GOOD_ROWS, HEADER_ZH, csv_bytes, xlsx_bytes
from webapp.imports.checkpoints import (
    AREA_KINDS,
    PURPOSES,
    ImportRefused,
    SiteFacts,
    check,
    column_for,
    read_table,
    template_csv,
)
from webapp.models import AreaKind, Purpose

MB = 1024 * 1024
NOTHING = SiteFacts()


def preview_of(content: bytes, filename: str = "巡检点.csv", site: SiteFacts = NOTHING, max_rows: int = 1000):
    return check(read_table(content, filename, MB, max_rows), site)


def refusal(content: bytes, filename: str = "巡检点.csv", **limits) -> str:
    with pytest.raises(ImportRefused) as refused:
        read_table(content, filename, limits.get("max_bytes", MB), limits.get("max_rows", 1000))
    return refused.value.code


def test_the_choices_are_the_models_choices():
    assert set(PURPOSES.values()) == {p.value for p in Purpose}
    assert set(AREA_KINDS.values()) == {k.value for k in AreaKind}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030", "utf-16"])
def test_a_csv_reads_the_same_in_every_encoding_excel_writes(encoding):
    preview = preview_of(csv_bytes(GOOD_ROWS, encoding))
    assert preview.ok and [r.code for r in preview.rows] == ["L1-01", "L1-B1", "G-S", "P-02"]
    lobby, pump, gate, lift = preview.rows
    assert lobby.name == "1号楼大堂" and lobby.purpose == "both" and lobby.photo_required is False
    assert (lobby.lat, lobby.lng, lobby.radius_m) == (30.2741, 120.1551, 30.0)
    assert lobby.checklist == ("地面干净", "垃圾桶已清理", "玻璃门无指纹")  # ； and ; both separate items
    assert pump.purpose == "patrol" and pump.photo_required is True and pump.area == "1号楼"
    assert gate.area_kind == "gate" and gate.new_area
    assert lift.area == "" and lift.purpose == "cleaning"
    assert preview.new_areas == ["1号楼", "南门"]


def test_an_xlsx_with_numbers_and_booleans_in_cells_reads_as_a_person_sees_it():
    rows = [["1号楼大堂", 101, "1号楼", "楼栋", "巡更", True, 30.2741, 120.1551, 30, "地面干净"]]
    preview = preview_of(xlsx_bytes(rows), "巡检点.xlsx")
    assert preview.ok
    row = preview.rows[0]
    assert (row.code, row.photo_required, row.lat, row.radius_m) == ("101", True, 30.2741, 30.0)


def test_english_and_bilingual_headers_and_a_semicolon_separated_file_are_understood():
    header = ["Name", "CODE", "Area", "Area kind", "Purpose", "Photo required", "Latitude", "Longitude", "Radius (m)",
              "Checklist"]
    assert preview_of(csv_bytes(GOOD_ROWS, header=header)).ok
    assert [column_for(h) for h in ("名称(name)", "半径（米）", "编号 / code", "ＣＯＤＥ")] == ["name", "radius_m", "code", "code"]
    text = "名称;编号\r\n北门;N1\r\n".encode()
    assert [r.code for r in preview_of(text).rows] == ["N1"]


def test_unknown_columns_are_left_out_and_said_so():
    preview = preview_of(csv_bytes([["北门", "N1", "备注一下"]], header=["名称", "编号", "备注"]))
    assert preview.ok and preview.ignored_columns == ["备注"]


def test_every_bad_row_is_reported_with_its_row_number_and_column():
    rows = [
        ["北门", "N1", "", "", "巡更", "否", "", "", "", ""],  # row 2: good
        ["", "N2", "", "", "", "", "", "", "", ""],  # row 3: no name
        ["东门", "", "", "", "", "", "", "", "", ""],  # row 4: no code
        ["西门", "W 1", "", "", "", "", "", "", "", ""],  # row 5: a space in the code
        ["南门", "S1", "", "", "巡逻车", "", "", "", "", ""],  # row 6: unknown purpose
        ["泵房", "P1", "", "", "", "可能", "", "", "", ""],  # row 7: not yes or no
        ["屋面", "R1", "", "", "", "", "95", "120", "", ""],  # row 8: latitude out of range
        ["花园", "G1", "", "", "", "", "30.1", "", "", ""],  # row 9: latitude without longitude
        ["水箱", "T1", "", "", "", "", "", "", "20", ""],  # row 10: radius without position
        ["配电房", "E1", "", "设备房", "", "", "", "", "", ""],  # row 11: area kind without area
        ["大堂", "L1", "1号楼", "宫殿", "", "", "", "", "", ""],  # row 12: unknown area kind
        ["x" * 201, "X1", "", "", "", "", "abc", "120", "", ""],  # row 13: name too long, latitude not a number
        ["北门岗", "N3", "", "", "", "", "", "", "", "好" * 201],  # row 14: a checklist item too long
    ]
    preview = preview_of(csv_bytes(rows))
    assert not preview.ok and [r.row for r in preview.rows] == [2]  # the good row alone is not saved either
    assert preview.bad_rows == list(range(3, 15))
    found = {(p.row, p.column, p.code) for p in preview.problems}
    assert found == {
        (3, "name", "required"), (4, "code", "required"), (5, "code", "bad_code"), (6, "purpose", "bad_purpose"),
        (7, "photo_required", "bad_yes_no"), (8, "lat", "out_of_range"), (9, "lng", "position_incomplete"),
        (10, "radius_m", "radius_without_position"), (11, "area_kind", "kind_without_area"),
        (12, "area_kind", "bad_area_kind"), (13, "name", "too_long"), (13, "lat", "bad_number"),
        (14, "checklist", "item_too_long"),
    }


def test_a_code_twice_in_the_file_is_reported_on_both_rows_and_a_code_the_site_has_on_its_row():
    rows = [["北门", "N1"], ["东门", "e1"], ["西门", "N1"], ["南门", "A01"], ["泵房", "P1"], ["水箱", "n1"]]
    preview = preview_of(csv_bytes(rows, header=["名称", "编号"]), site=SiteFacts(codes=frozenset({"a01"})))
    found = {(p.row, p.code, p.params.get("rows")) for p in preview.problems}
    assert found == {(2, "duplicate_code", "4, 7"), (4, "duplicate_code", "2, 7"), (7, "duplicate_code", "2, 4"),
                     (5, "code_exists", None)}
    assert preview.bad_rows == [2, 4, 5, 7] and not preview.ok


def test_a_name_twice_in_one_area_is_a_mistake_but_the_same_name_in_two_buildings_is_not():
    rows = [["1单元楼梯间", "A1", "1号楼"], ["1单元楼梯间", "B1", "2号楼"], ["1单元楼梯间", "A2", "1号楼"],
            ["大堂", "A3", "1号楼"]]
    site = SiteFacts(areas=frozenset({"1号楼"}), names=frozenset({("1号楼", "大堂")}))
    preview = preview_of(csv_bytes(rows, header=["名称", "编号", "区域"]), site=site)
    assert {(p.row, p.code) for p in preview.problems} == {(2, "duplicate_name"), (4, "duplicate_name"), (5, "name_exists")}


def test_an_existing_area_is_used_and_a_new_one_is_announced_once():
    rows = [["北门", "N1", "大门"], ["东门", "E1", "东区"], ["东区花园", "E2", "东区"]]
    preview = preview_of(csv_bytes(rows, header=["名称", "编号", "区域"]), site=SiteFacts(areas=frozenset({"大门"})))
    assert preview.ok and preview.new_areas == ["东区"]
    assert [r.new_area for r in preview.rows] == [False, True, True]


def test_a_new_area_given_two_kinds_is_reported():
    rows = [["北门", "N1", "北区", "出入口"], ["北区花园", "N2", "北区", "室外"]]
    preview = preview_of(csv_bytes(rows, header=["名称", "编号", "区域", "区域类型"]))
    assert [(p.row, p.code) for p in preview.problems] == [(3, "kind_conflict")]


def test_blank_rows_are_skipped_but_row_numbers_stay_those_of_the_spreadsheet():
    content = "名称,编号\r\n北门,N1\r\n,\r\n\r\n东门,\r\n".encode()
    preview = preview_of(content)
    assert [line.row for line in preview.lines] == [2, 5] and preview.bad_rows == [5]


@pytest.mark.parametrize("content, filename, code", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "photo.png", "not_a_table"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "checkpoints.csv", "not_a_table"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "checkpoints.csv", "not_a_table"),
    (bytes((i * 7919 + 13) % 256 for i in range(4000)), "checkpoints.csv", "not_a_table"),  # binary garbage
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "checkpoints.xls", "not_a_table"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "checkpoints.xlsx", "old_excel"),
    (b"name,code\r\nA,B\r\n", "checkpoints.xlsx", "not_a_table"),  # text named .xlsx
    (b"", "checkpoints.csv", "empty_file"),
    (b"\xff\xfe\xfd\xfc\x81\x30\x81" * 3, "checkpoints.csv", "unknown_encoding"),
])
def test_a_file_that_is_not_a_table_is_refused(content, filename, code):
    assert refusal(content, filename) == code


def test_a_zip_that_is_not_a_workbook_and_a_zip_bomb_are_refused():
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refusal(plain.getvalue(), "checkpoints.xlsx") == "not_a_table"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * (60 * 1024 * 1024))
    assert len(bomb.getvalue()) < MB and refusal(bomb.getvalue(), "checkpoints.xlsx") == "too_large"


def test_size_and_row_limits_are_kept():
    rows = [[f"点{i}", f"C{i}"] for i in range(11)]
    assert refusal(csv_bytes(rows, header=["名称", "编号"]), max_rows=10) == "too_many_rows"
    assert refusal(xlsx_bytes(rows, header=["名称", "编号"]), "a.xlsx", max_rows=10) == "too_many_rows"
    assert preview_of(csv_bytes(rows[:10], header=["名称", "编号"]), max_rows=10).ok
    assert refusal(b"a" * 2048, max_bytes=1024) == "too_large"


def test_a_header_without_name_or_code_is_refused_with_the_missing_columns():
    with pytest.raises(ImportRefused) as refused:
        preview_of(csv_bytes([["北门", "1号楼"]], header=["名称", "区域"]))
    assert refused.value.code == "missing_columns" and refused.value.params == {"columns": ["code"]}
    with pytest.raises(ImportRefused) as twice:
        preview_of(csv_bytes([["北门", "N1", "N2"]], header=["名称", "编号", "code"]))
    assert twice.value.code == "duplicate_column"
    with pytest.raises(ImportRefused) as empty:
        preview_of(csv_bytes([], header=HEADER_ZH))
    assert empty.value.code == "no_rows"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_template_imports_cleanly_in_both_languages(language):
    preview = preview_of(template_csv(language).encode("utf-8-sig"))
    assert preview.ok and [r.code for r in preview.rows] == ["B1-01", "P-01"]
    assert [r.purpose for r in preview.rows] == ["both", "patrol"]
    assert preview.rows[0].checklist and preview.rows[1].photo_required
