"""Real pictures made on the spot, the way phones write them (and the way attackers do)."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from webapp.photos import PhotoLimits

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LIMITS = PhotoLimits(max_bytes=15 * 1024 * 1024, max_pixels=50_000_000)
RED, BLUE, GREY = (230, 20, 20), (20, 40, 220), (128, 128, 128)

XMP_WITH_GPS = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"
 exif:GPSLatitude="31,14.2300N" exif:GPSLongitude="121,28.4400E"/>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def marked(size: tuple[int, int], colour=BLUE) -> Image.Image:
    """A plain picture with a red square in its top-left corner, as the sensor stored it."""
    image = Image.new("RGB", size, colour)
    side = max(4, min(size) // 8)
    image.paste(RED, (0, 0, side, side))
    return image


def noisy(size: tuple[int, int]) -> Image.Image:
    """A picture with detail everywhere, so that its JPEG is long and any cut lands in the pixels."""
    noise = Image.effect_noise(size, 60).convert("RGB")
    return Image.blend(noise, Image.linear_gradient("L").resize(size).convert("RGB"), 0.5)


def phone_exif(orientation: int = 6, taken: str | None = "2024:05:01 10:00:00", offset: str | None = "+08:00",
               gps: bool = True) -> Image.Exif:
    """EXIF as a phone writes it: orientation, capture time with its offset, and where it was taken."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    details = exif.get_ifd(0x8769)
    if taken:
        details[0x9003] = taken
    if offset:
        details[0x9011] = offset
    if gps:
        position = exif.get_ifd(0x8825)
        position[1], position[2] = "N", (31.0, 14.0, 13.8)
        position[3], position[4] = "E", (121.0, 28.0, 26.4)
    return exif


def jpeg(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=options.pop("quality", 90), **options)
    return out.getvalue()


def png(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **options)
    return out.getvalue()


def encode(image: Image.Image, format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


def png_with_text(image: Image.Image, **chunks: str) -> bytes:
    info = PngInfo()
    for key, value in chunks.items():
        info.add_text(key, value)
        info.add_text(key + "Z", value, zip=True)
    return png(image, pnginfo=info)


def png_bomb(width: int, height: int) -> bytes:
    """A one-bit PNG of width x height blank pixels: a few dozen kilobytes that decode to hundreds of megapixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor, parts = zlib.compressobj(9), []
    for _ in range(height):
        parts.append(compressor.compress(row))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


def with_frame_size(data: bytes, width: int, height: int) -> bytes:
    """A JPEG whose frame header claims another size than its pixels have."""
    at = data.index(b"\xff\xc0")  # SOF0: marker, length (2), precision (1), height (2), width (2)
    return data[: at + 5] + struct.pack(">HH", height, width) + data[at + 9 :]


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
