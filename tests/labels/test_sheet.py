"""A label sheet read back by tools that did not write it: every QR opens its own checkpoint, on paper and in a photo."""
from __future__ import annotations

import base64
import hashlib

import cv2
import numpy as np
import pytest

from tests.labels.scanning import decode, page_texts, phone_photo, rasterise, side_mm, text_heights_mm
from webapp.labels.sheet import Label, LabelFontMissing, qr_modules, render_sheet

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
NAMES = ["北门岗亭", "1号楼大堂", "1号楼消防泵房", "地下车库B1入口", "配电房", "2号楼屋面水箱", "南门垃圾房", "中心花园",
         "3号楼1单元地下室消防泵房门口外侧走廊尽头", "物业服务中心", "东门车行道闸", "4号楼电梯厅", "会所泳池机房", "西门人行通道"]


def token(i: int) -> str:
    """A fixed token shaped like the real ones (128 bits, URL-safe), so the sheet is the same every run."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"checkpoint {i}".encode()).digest()[:16]).rstrip(b"=").decode()


LABELS = [Label(f"https://rounds.wuye-example.cn/s/{token(i)}", name, "翠湖花园", f"{i % 4 + 1}号楼", f"CH-{i + 1:02d}")
          for i, name in enumerate(NAMES)]


@pytest.fixture(scope="module")
def sheet() -> bytes:
    return render_sheet(LABELS, FONT)


@pytest.fixture(scope="module")
def scans(sheet) -> list[np.ndarray]:
    return rasterise(sheet, dpi=150)


@pytest.fixture(scope="module")
def decoded(scans) -> list[dict[str, np.ndarray]]:
    return [decode(page) for page in scans]


def test_fourteen_labels_fill_two_a4_pages_and_every_qr_opens_its_own_checkpoint(scans, decoded):
    assert len(scans) == 2
    height, width = scans[0].shape
    assert abs(width / 150 * 25.4 - 210) < 1 and abs(height / 150 * 25.4 - 297) < 1  # A4
    assert [len(page) for page in decoded] == [12, 2]
    found = [url for page in decoded for url in page]
    assert sorted(found) == sorted(label.url for label in LABELS)  # each checkpoint exactly once, nothing else
    assert set(decoded[0]) == {label.url for label in LABELS[:12]}


def test_every_code_name_site_and_area_is_printed_and_the_code_in_large_type(sheet):
    first, second = page_texts(sheet)
    for label in LABELS[:12]:
        assert label.code in first and label.site in first and label.area in first
    for label in LABELS[12:]:
        assert label.code in second and label.name in second
    assert all(label.name in first for label in LABELS[:12] if len(label.name) < 15)
    assert "3号楼1单元地下室消防泵房门口外" in first  # a long name is shrunk to fit, never dropped
    for label in LABELS:
        heights = text_heights_mm(sheet, label.code)
        assert heights and min(heights) >= 4.5, (label.code, heights)  # readable at arm's length


def test_every_qr_is_at_least_40_mm_wide_and_its_quiet_zone_is_blank(scans, decoded):
    dpi = 150
    page = scans[0]
    for url, corners in decoded[0].items():
        assert side_mm(corners, dpi) >= 40.0, url
        modules = len(qr_modules(url))
        module_px = side_mm(corners, dpi) / modules * dpi / 25.4
        (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
        outer = page[int(y0 - 3.8 * module_px):int(y1 + 3.8 * module_px), int(x0 - 3.8 * module_px):int(x1 + 3.8 * module_px)]
        inner_margin = int(np.ceil(3.8 * module_px - 0.6 * module_px))
        ring = outer.copy()
        ring[inner_margin:-inner_margin, inner_margin:-inner_margin] = 255
        assert ring.min() > 200, f"something is drawn in the quiet zone of {url}"


def test_the_codes_use_error_correction_q_and_survive_a_smear_over_a_part_of_each(scans, decoded):
    from qrcode.constants import ERROR_CORRECT_Q

    from webapp.labels import sheet as sheet_module

    assert sheet_module.ERROR_CORRECTION == ERROR_CORRECT_Q
    dirty = scans[0].copy()
    for corners in decoded[0].values():
        (x0, y0), (x1, _y1) = corners.min(axis=0), corners.max(axis=0)
        side = x1 - x0
        cv2.rectangle(dirty, (int(x0 + 0.35 * side), int(y0 + 0.4 * side)), (int(x0 + 0.75 * side), int(y0 + 0.75 * side)),
                      170, -1)  # grime across a seventh of the symbol
    assert set(decode(dirty)) == set(decoded[0])


def test_the_whole_sheet_still_scans_from_a_blurred_turned_dim_phone_photo(sheet):
    page = rasterise(sheet, dpi=200)[0]
    photo = phone_photo(page, degrees=10, blur_sigma=2.0, noise=6, dim=0.8)
    assert set(decode(photo)) == {label.url for label in LABELS[:12]}


def test_a_missing_font_is_named_with_the_way_to_fix_it(tmp_path):
    missing = str(tmp_path / "NoSuchFont.ttc")
    with pytest.raises(LabelFontMissing) as error:
        render_sheet(LABELS[:1], missing)
    assert missing in str(error.value) and "fonts-noto-cjk" in str(error.value) and "LABEL_FONT" in str(error.value)


def test_an_empty_sheet_is_refused():
    with pytest.raises(ValueError):
        render_sheet([], FONT)
