"""Spreadsheets as managers send them: CSV from Excel in UTF-8 or GBK, and XLSX."""
from __future__ import annotations

import csv
import io

import openpyxl

HEADER_ZH = ["名称", "编号", "区域", "区域类型", "用途", "需拍照", "纬度", "经度", "半径(米)", "检查项"]
GOOD_ROWS = [
    ["1号楼大堂", "L1-01", "1号楼", "楼栋", "巡更及保洁", "否", "30.2741", "120.1551", "30", "地面干净；垃圾桶已清理;玻璃门无指纹"],
    ["1号楼消防泵房", "L1-B1", "1号楼", "", "巡更", "是", "", "", "", ""],
    ["南门岗亭", "G-S", "南门", "出入口", "patrol", "yes", "", "", "", ""],
    ["地下车库电梯厅", "P-02", "", "", "保洁", "", "", "", "", "地面无积水"],
]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig", header: list[str] = HEADER_ZH) -> bytes:
    """A CSV file as Excel writes it (CRLF), in `encoding`."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], header: list[str] = HEADER_ZH) -> bytes:
    """An Excel workbook with the rows on its first sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "巡检点"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
