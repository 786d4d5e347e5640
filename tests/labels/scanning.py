"""An independent reading of label sheets: PDFium rasterises the PDF, OpenCV finds and decodes the QR codes."""
from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium

MM_PER_INCH = 25.4


def rasterise(pdf: bytes, dpi: int) -> list[np.ndarray]:
    """Every page of a PDF as a grey image at `dpi`, as a flatbed scanner would give it."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")) for page in document]
    finally:
        document.close()


def page_texts(pdf: bytes) -> list[str]:
    """The text of every page, as a PDF reader extracts it."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


def text_heights_mm(pdf: bytes, needle: str) -> list[float]:
    """The height, in millimetres, of the first character of every place `needle` is printed."""
    document = pdfium.PdfDocument(pdf)
    heights = []
    try:
        for page in document:
            textpage = page.get_textpage()
            searcher = textpage.search(needle, match_case=True)
            while (found := searcher.get_next()) is not None:
                _left, bottom, _right, top = textpage.get_charbox(found[0])
                heights.append((top - bottom) * MM_PER_INCH / 72)
    finally:
        document.close()
    return heights


def decode(image: np.ndarray) -> dict[str, np.ndarray]:
    """Every QR code OpenCV reads in an image, with the four corners of its symbol (two detectors, pooled)."""
    found: dict[str, np.ndarray] = {}
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        ok, texts, corners, _ = detector.detectAndDecodeMulti(image)
        if ok:
            for text, points in zip(texts, corners):
                if text:
                    found.setdefault(text, points)
    return found


def phone_photo(image: np.ndarray, degrees: float, blur_sigma: float, noise: float = 6.0, dim: float = 0.8) -> np.ndarray:
    """The page as a phone would photograph it: turned, out of focus, dimmer, with sensor noise."""
    height, width = image.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    cos, sin = abs(turn[0, 0]), abs(turn[0, 1])
    new_w, new_h = int(height * sin + width * cos), int(height * cos + width * sin)
    turn[0, 2] += new_w / 2 - width / 2
    turn[1, 2] += new_h / 2 - height / 2
    turned = cv2.warpAffine(image, turn, (new_w, new_h), borderValue=255).astype(np.float32)
    blurred = cv2.GaussianBlur(turned, (0, 0), blur_sigma) * dim
    noisy = blurred + np.random.default_rng(7).normal(0, noise, blurred.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def side_mm(corners: np.ndarray, dpi: int) -> float:
    """The mean side of a detected symbol, in millimetres."""
    sides = [np.linalg.norm(corners[i] - corners[(i + 1) % 4]) for i in range(4)]
    return float(np.mean(sides)) * MM_PER_INCH / dpi
