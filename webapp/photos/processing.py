"""Turn what a phone sends into the photo we keep: verified, upright, stripped, scaled, watermarked."""
from __future__ import annotations

import hashlib
import io
import math
import os
import re
import struct
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import pillow_heif
from PIL import Image, ImageCms, ImageDraw, ImageFile, ImageFont

from webapp.domain.errors import DomainError

# Depth maps, auxiliary images and embedded thumbnails of a HEIC are never used: don't read them.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

MB = 1024 * 1024
# Pillow's format name -> ours. Pillow calls a JPEG with several pictures in it (Ultra HDR, some Samsungs) MPO.
# WebP (what some Android cameras and chat apps write) and a still GIF (its only frame) are accepted too.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "HEIF": "HEIF", "WEBP": "WEBP", "GIF": "GIF"}
ERROR_CODES = ("photo_too_large", "photo_not_an_image", "photo_unsupported", "photo_truncated", "photo_too_many_pixels",
               "photo_animated")

# Pillow's decoders raise a zoo of exception types on hostile or damaged input.
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError, KeyError, TypeError,
                  ZeroDivisionError, RuntimeError)
_BOMB_SIZE = re.compile(r"\((\d+) pixels\)")
_EXIF_IFD, _ORIENTATION = 0x8769, 0x0112
_DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL, _SUBSEC_TIME_ORIGINAL = 0x9003, 0x9011, 0x9291
_TRANSPOSE = {  # EXIF orientation -> the transposition that makes the picture upright, as ImageOps.exif_transpose
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class PhotoError(DomainError):
    """An upload that cannot become a photo; `code` is one of ERROR_CODES."""


@dataclass(frozen=True)
class PhotoLimits:
    """What we accept and what we make of it."""

    max_bytes: int
    max_pixels: int
    long_side: int = 1600
    thumb_side: int = 320
    jpeg_quality: int = 82

    @classmethod
    def from_config(cls, config) -> PhotoLimits:
        """The limits from the app's PHOTO_* settings (any mapping)."""
        return cls(max_bytes=int(float(config["PHOTO_MAX_MB"]) * MB),
                   max_pixels=int(float(config["PHOTO_MAX_MEGAPIXELS"]) * 1_000_000),
                   long_side=int(config["PHOTO_LONG_SIDE"]))


@dataclass(frozen=True)
class ProcessedPhoto:
    """The stored JPEG, its thumbnail, and what we learnt from the original.

    taken_at is the capture instant in UTC, known only when the camera wrote its UTC offset
    (OffsetTimeOriginal). taken_at_local is the camera's wall-clock reading (naive), whenever it wrote
    one: when taken_at is None the caller decides which zone it was in (usually the site's).
    """

    jpeg: bytes
    thumb: bytes
    sha256: str
    width: int
    height: int
    taken_at: datetime | None
    taken_at_local: datetime | None
    source_format: str  # JPEG, PNG, HEIF, WEBP or GIF


@dataclass(frozen=True)
class OpenedPhoto:
    """An upload verified and decoded, with what its metadata says, before anything is made of it."""

    image: Image.Image
    source_format: str
    orientation: int
    taken_at: datetime | None
    taken_at_local: datetime | None


def process(data: bytes, *, limits: PhotoLimits, watermark: list[str] | None, font_path: str) -> ProcessedPhoto:
    """Verify an uploaded picture and make the stored photo and its thumbnail from it."""
    if watermark:
        _check_font(font_path)  # a missing font is the server's fault: say so before doing any work
    return finish(open_photo(data, limits=limits), limits=limits, watermark=watermark, font_path=font_path)


def open_photo(data: bytes, *, limits: PhotoLimits) -> OpenedPhoto:
    """Verify and decode an upload and read its orientation and capture time (the watermark may depend on it)."""
    image, source_format = _open_verified(data, limits)
    orientation, taken_at, taken_at_local = _read_metadata(image)
    return OpenedPhoto(image, source_format, orientation, taken_at, taken_at_local)


def finish(opened: OpenedPhoto, *, limits: PhotoLimits, watermark: list[str] | None, font_path: str) -> ProcessedPhoto:
    """Make the stored photo (upright, sRGB, scaled, watermarked, stripped) and its thumbnail."""
    if watermark:
        _check_font(font_path)
    image, orientation = opened.image, opened.orientation
    icc = image.info.get("icc_profile")
    image = _fit(_normalise(image), limits.long_side)
    if orientation in _TRANSPOSE:  # after scaling: cheaper; HEIF pixels arrive upright with orientation 1
        image = image.transpose(_TRANSPOSE[orientation])
    image = _to_srgb(image, icc)
    if watermark:
        _stamp(image, watermark, font_path)
    clean = Image.frombytes("RGB", image.size, image.tobytes())  # a fresh image: no EXIF, XMP, ICC or comment follows
    jpeg = _encode(clean, limits.jpeg_quality)
    clean.thumbnail((limits.thumb_side, limits.thumb_side), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        jpeg=jpeg,
        thumb=_encode(clean, limits.jpeg_quality),
        sha256=hashlib.sha256(jpeg).hexdigest(),
        width=image.width,
        height=image.height,
        taken_at=opened.taken_at,
        taken_at_local=opened.taken_at_local,
        source_format=opened.source_format,
    )


def _open_verified(data: bytes, limits: PhotoLimits) -> tuple[Image.Image, str]:
    """Open, check and fully decode the upload, or raise the PhotoError that says what is wrong."""
    if len(data) > limits.max_bytes:
        raise PhotoError("photo_too_large", size_mb=_round_up(len(data) / MB), max_mb=_round_up(limits.max_bytes / MB))
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is on: damaged uploads would be stored as grey")
    # Pillow refuses on its own above MAX_IMAGE_PIXELS: keep our limit within its, so the message is right.
    max_pixels = min(limits.max_pixels, Image.MAX_IMAGE_PIXELS or limits.max_pixels)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
            raise _too_many_pixels(_bomb_pixels(bomb, max_pixels), max_pixels) from None
        except _DECODE_ERRORS:  # UnidentifiedImageError included
            raise _unreadable(data) from None
        if image.format not in ACCEPTED_FORMATS:
            raise PhotoError("photo_unsupported", format=image.format or "?")
        if getattr(image, "n_frames", 1) > 1 and image.format in ("GIF", "WEBP"):
            raise PhotoError("photo_animated")  # which frame would be the evidence? ask for a photo
        width, height = image.size
        if width * height > max_pixels:
            raise _too_many_pixels(width * height, max_pixels)
        if image.format in ("JPEG", "MPO"):
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale, never below what the stored photo needs.
            image.draft("RGB", _fitted_size(image.size, limits.long_side))
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
            raise _too_many_pixels(_bomb_pixels(bomb, max_pixels), max_pixels) from None
        except _DECODE_ERRORS:
            raise PhotoError("photo_truncated") from None
    return image, ACCEPTED_FORMATS[image.format]


def _unreadable(data: bytes) -> PhotoError:
    """A file Pillow cannot open: damaged if it starts like a photo we accept, else not a photo at all."""
    looks_like_photo = (data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a"))
                        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP") or _is_heif(data))
    return PhotoError("photo_truncated" if looks_like_photo else "photo_not_an_image")


def _is_heif(data: bytes) -> bool:
    """Whether the bytes start with an ISO media file header of a HEIF image."""
    try:
        return pillow_heif.get_file_mimetype(data[:64]) in ("image/heic", "image/heif", "image/heic-sequence",
                                                          "image/heif-sequence")
    except _DECODE_ERRORS:
        return False


def _too_many_pixels(pixels: int, max_pixels: int) -> PhotoError:
    """The refusal of a picture with more pixels than we decode."""
    return PhotoError("photo_too_many_pixels", megapixels=_round_up(pixels / 1e6),
                      max_megapixels=_round_up(max_pixels / 1e6))


def _bomb_pixels(bomb: Exception, max_pixels: int) -> int:
    """The pixel count Pillow names in its decompression-bomb message (more than the limit if it names none)."""
    match = _BOMB_SIZE.search(str(bomb))
    return int(match.group(1)) if match else max_pixels + 1


def _round_up(value: float) -> int | float:
    """A size for a message: one decimal, rounded up so that a file just over the limit never reads as equal."""
    tenths = math.ceil(round(value * 10, 6))
    return tenths // 10 if tenths % 10 == 0 else tenths / 10


def _read_metadata(image: Image.Image) -> tuple[int, datetime | None, datetime | None]:
    """The EXIF orientation and capture time; broken EXIF counts as none."""
    try:
        exif = image.getexif()
        orientation = exif.get(_ORIENTATION, 1)
        details = exif.get_ifd(_EXIF_IFD)
    except _DECODE_ERRORS:
        return 1, None, None
    local = _exif_datetime(details.get(_DATETIME_ORIGINAL), details.get(_SUBSEC_TIME_ORIGINAL))
    offset = _exif_offset(details.get(_OFFSET_TIME_ORIGINAL))
    taken_at = (local - offset).replace(tzinfo=timezone.utc) if local and offset is not None else None
    return (orientation if isinstance(orientation, int) else 1), taken_at, local


def _exif_datetime(value, subseconds) -> datetime | None:
    """An EXIF 'YYYY:MM:DD HH:MM:SS' wall-clock time, or None if absent or nonsense (all zeros, year 1)."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})\s*", value.rstrip("\x00"))
    if not match:
        return None
    try:
        moment = datetime(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    if not 1970 <= moment.year <= 9998:  # no phone took it; and a UTC offset must not overflow it
        return None
    digits = re.match(r"\d{1,6}", subseconds.strip()) if isinstance(subseconds, str) else None
    return moment.replace(microsecond=int(digits.group().ljust(6, "0"))) if digits else moment


def _exif_offset(value) -> timedelta | None:
    """An EXIF '+08:00' offset from UTC, or None if absent or malformed."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*([+-])(\d{2}):(\d{2})\s*", value.rstrip("\x00"))
    if not match or int(match.group(2)) > 14 or int(match.group(3)) > 59:
        return None
    offset = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
    return -offset if match.group(1) == "-" else offset


def _fitted_size(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """The size with at most long_side on the long side, same proportions, never larger."""
    width, height = size
    scale = long_side / max(width, height)
    if scale >= 1:
        return width, height
    return max(1, round(width * scale)), max(1, round(height * scale))


def _normalise(image: Image.Image) -> Image.Image:
    """Eight bits per channel in L, LA, RGB, RGBA or CMYK, so that scaling is smooth and alpha is a channel."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")  # 16-bit greys
    if image.mode not in ("L", "LA", "RGB", "RGBA", "CMYK") or "transparency" in image.info:
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    return image


def _has_alpha(image: Image.Image) -> bool:
    """Whether some pixels may be see-through."""
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _fit(image: Image.Image, long_side: int) -> Image.Image:
    """Scale down to at most long_side on the long side; smaller pictures keep their size."""
    size = _fitted_size(image.size, long_side)
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Opaque RGB in sRGB: transparency flattened on white, an embedded colour profile applied (then dropped)."""
    if image.mode in ("RGBA", "LA"):
        rgba = image.convert("RGBA")
        image = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image.alpha_composite(rgba)
        image = image.convert("RGB")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, source, _SRGB, renderingIntent=ImageCms.Intent.PERCEPTUAL,
                                             outputMode="RGB")
        except (ImageCms.PyCMSError, *_DECODE_ERRORS):
            pass  # a broken profile, or one for other colours than the pixels have: show the pixels as they are
    return image.convert("RGB")


def _check_font(font_path: str) -> None:
    """Fail with a message an administrator can act on when the watermark font is missing or unreadable."""
    if not os.path.isfile(font_path):
        raise FileNotFoundError(f"watermark font not found: {font_path} (install fonts-noto-cjk or set PHOTO_FONT)")
    _sc_face(font_path)


@lru_cache(maxsize=8)
def _sc_face(font_path: str) -> int:
    """The index of the Simplified Chinese face in a font collection (0 for a single font)."""
    try:
        ImageFont.truetype(font_path, 12, index=0)
    except OSError as error:
        raise OSError(f"watermark font cannot be read: {font_path} ({error})") from error
    if not font_path.lower().endswith((".ttc", ".otc")):
        return 0
    for index in range(1, 16):  # Noto CJK puts JP first; SC draws 门, 直, 骨 the way readers here expect
        try:
            family = ImageFont.truetype(font_path, 12, index=index).getname()[0] or ""
        except OSError:
            break
        if family.endswith(" SC"):
            return index
    return 0


@lru_cache(maxsize=32)
def _font(font_path: str, size: int) -> ImageFont.FreeTypeFont:
    """The watermark font at this size, loaded once."""
    return ImageFont.truetype(font_path, size, index=_sc_face(font_path))


def _stamp(image: Image.Image, lines: list[str], font_path: str) -> None:
    """Draw the lines in the bottom-left corner, white on a translucent dark box, sized to the picture."""
    lines = [" ".join(str(line).split())[:200] for line in lines]  # one line each, of a sane length
    lines = [line for line in lines if line][:6]
    if not lines:
        return
    width, height = image.size
    size = max(12, round(min(width, height) * 0.032))  # about 38 px on a 1600 x 1200 photo, 12 px on a 400 px one
    font = _font(font_path, size)
    room = width - 2 * _margin(size) - 2 * _padding(size)
    while size > 10 and max(font.getlength(line) for line in lines) > room:  # long names: smaller, then cut
        size -= max(1, size // 10)
        font = _font(font_path, size)
        room = width - 2 * _margin(size) - 2 * _padding(size)
    lines = [_cut(line, font, room) for line in lines]
    ascent, descent = font.getmetrics()
    step = ascent + descent + round(size * 0.1)
    margin, padding = _margin(size), _padding(size)
    box_width = round(max(font.getlength(line) for line in lines)) + 2 * padding
    box_height = step * len(lines) - round(size * 0.1) + 2 * padding
    left, bottom = margin, height - margin
    draw = ImageDraw.Draw(image, "RGBA")  # RGBA colours blend into the RGB photo
    draw.rounded_rectangle((left, bottom - box_height, left + box_width, bottom), radius=max(2, size // 4),
                           fill=(0, 0, 0, 150))
    for number, line in enumerate(lines):
        draw.text((left + padding, bottom - box_height + padding + number * step), line, font=font,
                  fill=(255, 255, 255, 255))


def _margin(size: int) -> int:
    """Space between the box and the picture's edges, for a font size."""
    return round(size * 0.6)


def _padding(size: int) -> int:
    """Space between the box's edge and its text, for a font size."""
    return round(size * 0.45)


def _cut(line: str, font: ImageFont.FreeTypeFont, room: float) -> str:
    """The line, shortened with an ellipsis if it is wider than room."""
    if font.getlength(line) <= room:
        return line
    while line and font.getlength(line + "…") > room:
        line = line[:-1]
    return line + "…"


def _encode(image: Image.Image, quality: int) -> bytes:
    """Baseline JPEG bytes, with nothing but the pixels."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()
