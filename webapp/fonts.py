"""The CJK font that PDFs embed: which face of a font collection is Simplified Chinese."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTCollection


@lru_cache(maxsize=8)
def cjk_face_index(path: str) -> int:
    """In a font collection, the Simplified Chinese face (Noto's "… CJK SC"); else the first face."""
    if Path(path).suffix.lower() not in {".ttc", ".otc"}:
        return 0
    for index, face in enumerate(TTCollection(path, lazy=True).fonts):
        family = str(face["name"].getDebugName(1) or "")
        if family.endswith(" SC") and "Mono" not in family:
            return index
    return 0
