"""What a phone sends becomes an upright, stripped, scaled, watermarked photo, or a clear refusal."""
from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from datetime import datetime, timezone
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageCms, ImageFile, ImageStat

from tests.photos.images import (
    BLUE,
    FONT,
    GREY,
    LIMITS,
    RED,
    XMP_WITH_GPS,
    decoded,
    encode,
    jpeg,
    marked,
    noisy,
    phone_exif,
    png,
    png_bomb,
    png_with_text,
    with_frame_size,
)
from webapp.photos import PhotoError, PhotoLimits, process
from webapp.photos.processing import MB

WATERMARK = ["阳光花园 3号楼", "B2 地下车库 东门", "张伟", "2024/05/01 18:00"]


def run(data: bytes, limits: PhotoLimits = LIMITS, watermark: list[str] | None = None):
    return process(data, limits=limits, watermark=watermark, font_path=FONT)


def refusal(data: bytes, limits: PhotoLimits = LIMITS) -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        run(data, limits)
    return caught.value


def near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


# --- what a phone sends -------------------------------------------------------------------------

def test_a_sideways_phone_jpeg_is_turned_upright_once_and_loses_every_trace_of_where_it_was_taken():
    source = jpeg(marked((400, 300)), exif=phone_exif(orientation=6), xmp=XMP_WITH_GPS, comment=b"spot 31.2304N")
    assert b"GPS" in source and b"spot 31.2304N" in source and 0x8825 in Image.open(io.BytesIO(source)).getexif()

    photo = run(source, watermark=WATERMARK)

    stored = decoded(photo.jpeg)
    assert stored.size == (photo.width, photo.height) == (300, 400)  # the sensor's landscape, shown as portrait
    assert near(stored.getpixel((290, 10)), RED) and near(stored.getpixel((10, 10)), BLUE)  # top-left went top-right
    assert not stored.getexif() and not {"exif", "xmp", "comment", "icc_profile"} & set(stored.info)
    for leak in (b"GPS", b"Exif\x00", b"xmp", b"http://ns.adobe.com", b"spot 31.2304N", b"PhoneMaker"):
        assert leak not in photo.jpeg and leak not in photo.thumb
    assert photo.taken_at == datetime(2024, 5, 1, 2, 0, tzinfo=timezone.utc)  # 10:00 at +08:00
    assert photo.taken_at_local == datetime(2024, 5, 1, 10, 0)
    assert photo.source_format == "JPEG" and stored.format == "JPEG" and stored.mode == "RGB"


@pytest.mark.parametrize("orientation, size, corner", [
    (1, (400, 300), (5, 5)), (2, (400, 300), (395, 5)), (3, (400, 300), (395, 295)), (4, (400, 300), (5, 295)),
    (5, (300, 400), (5, 5)), (6, (300, 400), (295, 5)), (7, (300, 400), (295, 395)), (8, (300, 400), (5, 395)),
])
def test_every_orientation_puts_the_sensors_top_left_where_the_viewer_expects_it(orientation, size, corner):
    photo = run(jpeg(marked((400, 300)), exif=phone_exif(orientation=orientation, gps=False)))
    stored = decoded(photo.jpeg)
    assert stored.size == size and near(stored.getpixel(corner), RED)


def test_a_capture_time_without_an_offset_is_left_for_the_caller_to_place_in_the_sites_zone():
    photo = run(jpeg(marked((40, 30)), exif=phone_exif(orientation=1, offset=None)))
    assert photo.taken_at is None and photo.taken_at_local == datetime(2024, 5, 1, 10, 0)


@pytest.mark.parametrize("taken", [None, "0000:00:00 00:00:00", "0001:01:01 00:00:00", "yesterday",
                                   "2024:13:45 99:00:00"])
def test_a_missing_or_nonsense_capture_time_is_no_capture_time(taken):
    photo = run(jpeg(marked((40, 30)), exif=phone_exif(orientation=1, taken=taken)))
    assert photo.taken_at is None and photo.taken_at_local is None


def test_a_picture_without_any_exif_is_fine():
    photo = run(jpeg(marked((40, 30))))
    assert (photo.width, photo.height, photo.taken_at, photo.taken_at_local) == (40, 30, None, None)


def test_a_png_with_transparency_and_text_is_flattened_on_white_and_keeps_no_text():
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    image.paste((20, 40, 220, 255), (100, 0, 200, 100))
    source = png_with_text(image, Comment="secret note", GPS="31.2304,121.4737")
    assert Image.open(io.BytesIO(source)).text

    photo = run(source)

    stored = decoded(photo.jpeg)
    assert photo.source_format == "PNG" and stored.mode == "RGB"
    assert near(stored.getpixel((20, 50)), (255, 255, 255), 6) and near(stored.getpixel((180, 50)), BLUE)
    assert b"secret" not in photo.jpeg and b"31.2304" not in photo.jpeg and not getattr(stored, "text", {})


@pytest.mark.parametrize("mode", ["P", "LA", "L", "1", "I;16", "CMYK"])
def test_pictures_in_every_mode_pillow_reads_come_out_as_rgb(mode):
    image = marked((64, 48)).convert(mode) if mode != "I;16" else Image.linear_gradient("L").convert("I;16")
    data = jpeg(image) if mode == "CMYK" else png(image, transparency=0) if mode == "P" else png(image)
    stored = decoded(run(data).jpeg)
    assert stored.mode == "RGB" and stored.size == image.size


def test_a_sixteen_bit_grey_png_keeps_its_tones():
    stored = decoded(run(png(Image.linear_gradient("L").convert("I").point(lambda v: v * 257).convert("I;16"))).jpeg)
    assert near(stored.getpixel((0, 5)), (0, 0, 0), 6) and near(stored.getpixel((0, 250)), (250, 250, 250), 8)


def test_a_colour_profile_is_applied_and_not_kept():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for icc in (srgb, b"not a profile at all"):
        stored = decoded(run(jpeg(marked((64, 48)), icc_profile=icc)).jpeg)
        assert "icc_profile" not in stored.info and near(stored.getpixel((40, 40)), BLUE)


def test_a_heic_from_an_iphone_is_rotated_once_although_it_carries_the_rotation_twice():
    source = encode(marked((400, 300)), "HEIF", exif=phone_exif(orientation=6).tobytes(), quality=90)
    raw_exif = Image.Exif()
    raw_exif.load(source[source.index(b"MM\x00*"):])
    assert b"irot" in source and raw_exif[0x0112] == 6  # the HEIF rotation box and the EXIF tag both say "turn"

    photo = run(source)

    stored = decoded(photo.jpeg)
    assert photo.source_format == "HEIF" and stored.size == (300, 400)  # twice would be landscape again
    assert near(stored.getpixel((290, 10)), RED) and near(stored.getpixel((10, 390)), BLUE)
    assert photo.taken_at == datetime(2024, 5, 1, 2, 0, tzinfo=timezone.utc)
    assert b"Exif" not in photo.jpeg and b"GPS" not in photo.jpeg


def test_an_ultra_hdr_style_multi_picture_jpeg_is_read_as_a_jpeg():
    source = encode(marked((400, 300)), "MPO", save_all=True, append_images=[Image.new("L", (100, 75))])
    assert Image.open(io.BytesIO(source)).format == "MPO"
    photo = run(source)
    assert photo.source_format == "JPEG" and (photo.width, photo.height) == (400, 300)


# --- refusals -----------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"hello, this is not a photo\n" * 20, b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n",
                                  b"<html><body>photo.jpg</body></html>"])
def test_a_file_that_is_no_picture_is_refused_whatever_its_name(data):
    error = refusal(data)
    assert error.code == "photo_not_an_image" and error.params == {}


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_pictures_in_formats_phones_do_not_take_photos_in_are_refused_by_name(fmt):
    error = refusal(encode(marked((40, 30)), fmt))
    assert error.code == "photo_unsupported" and error.params == {"format": fmt}


@cache
def _whole(kind: str) -> bytes:
    picture = noisy((320, 240))
    return {"jpeg": lambda: jpeg(picture), "progressive-jpeg": lambda: jpeg(picture, progressive=True),
            "png": lambda: png(picture), "heic": lambda: encode(picture, "HEIF")}[kind]()


@pytest.mark.parametrize("kind", ["jpeg", "progressive-jpeg", "png", "heic"])
@pytest.mark.parametrize("keep", [0.05, 0.6, 0.95])
def test_a_photo_cut_off_in_transit_is_refused_as_incomplete(kind, keep):
    data = _whole(kind)
    assert run(data).width == 320  # whole, it is fine
    error = refusal(data[: int(len(data) * keep)])
    assert error.code == "photo_truncated"


def test_pillow_is_not_told_to_accept_truncated_files():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_if_someone_turns_truncated_loading_on_the_pipeline_stops_rather_than_store_grey(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        run(jpeg(marked((40, 30))))


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding_it():
    data = png_bomb(20000, 20000)
    assert len(data) < 100_000
    error = refusal(data)
    assert error.code == "photo_too_many_pixels" and error.params == {"megapixels": 400, "max_megapixels": 50}


@pytest.mark.parametrize("width, height, megapixels", [(9000, 7000, 63), (10000, 10000, 100), (30000, 30000, 900)])
def test_a_jpeg_claiming_too_many_pixels_is_refused_before_decoding(width, height, megapixels):
    error = refusal(with_frame_size(jpeg(marked((40, 30))), width, height))
    assert error.code == "photo_too_many_pixels"
    assert error.params == {"megapixels": megapixels, "max_megapixels": 50}


def test_the_pixel_limit_is_the_configured_one():
    error = refusal(jpeg(marked((1200, 1000))), replace(LIMITS, max_pixels=1_000_000))
    assert error.code == "photo_too_many_pixels" and error.params == {"megapixels": 1.2, "max_megapixels": 1}


def test_an_oversized_file_is_refused_before_it_is_read():
    data = jpeg(noisy((800, 600)), quality=95)
    error = refusal(data, replace(LIMITS, max_bytes=MB // 10))
    assert error.code == "photo_too_large" and error.params["max_mb"] == 0.1
    assert error.params["size_mb"] > 0.1 and error.params["size_mb"] * MB >= len(data)


def test_a_file_just_over_the_limit_does_not_read_as_equal_to_it():
    error = refusal(b"\xff\xd8\xff" + b"\x00" * (2 * MB), replace(LIMITS, max_bytes=2 * MB))
    assert error.params == {"size_mb": 2.1, "max_mb": 2}


def _damaged(data: bytes, flips: list[tuple[int, int]], keep: float | None) -> bytes:
    """The bytes with some overwritten, and perhaps only the first part of them kept."""
    out = bytearray(data)
    for position, value in flips:
        out[position % len(out)] = value
    return bytes(out if keep is None else out[: int(len(out) * keep)])


_DAMAGED_PHOTOS = st.builds(
    _damaged,
    st.sampled_from([jpeg(noisy((48, 32)), exif=phone_exif()), png(noisy((48, 32)).convert("RGBA"))]),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
    st.one_of(st.none(), st.floats(0, 1)),
)


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the broken EXIF it skips
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2000), _DAMAGED_PHOTOS))
def test_no_upload_makes_it_fail_with_anything_but_a_photo_error(data):
    try:
        photo = run(data, watermark=["x"])
    except PhotoError as error:
        assert error.code in ("photo_not_an_image", "photo_unsupported", "photo_truncated", "photo_too_many_pixels")
    else:
        assert decoded(photo.jpeg).mode == "RGB"


# --- scale, thumbnail, watermark ----------------------------------------------------------------

@pytest.mark.parametrize("size, expected", [
    ((4000, 3000), (1600, 1200)),
    ((3024, 4032), (1200, 1600)),
    ((4033, 3025), (1600, 1200)),
    ((1600, 900), (1600, 900)),
    ((800, 600), (800, 600)),  # never enlarged
])
def test_photos_are_scaled_to_at_most_the_long_side_and_never_enlarged(size, expected):
    photo = run(jpeg(marked(size), quality=70))
    assert (photo.width, photo.height) == decoded(photo.jpeg).size == expected


def test_the_long_side_is_configurable_and_the_thumbnail_fits_its_square():
    photo = run(png(marked((1000, 2000))), replace(LIMITS, long_side=1000, thumb_side=200))
    assert (photo.width, photo.height) == (500, 1000)
    thumb = decoded(photo.thumb)
    assert thumb.size == (100, 200) and thumb.format == "JPEG" and not thumb.getexif() and "comment" not in thumb.info


def test_the_thumbnail_is_the_stored_photo_in_small():
    photo = run(jpeg(marked((1600, 1200))))
    assert decoded(photo.thumb).size == (320, 240)
    assert near(decoded(photo.thumb).getpixel((5, 5)), RED) and near(decoded(photo.thumb).getpixel((300, 200)), BLUE)


def test_the_hash_names_the_stored_bytes():
    photo = run(jpeg(marked((64, 48))))
    assert photo.sha256 == hashlib.sha256(photo.jpeg).hexdigest() and len(photo.sha256) == 64


def _corners(photo, fraction=0.3):
    image = decoded(photo.jpeg)
    width, height = image.size
    bottom_left = image.crop((0, int(height * (1 - fraction)), int(width * 0.6), height))
    top_right = image.crop((int(width * (1 - fraction)), 0, width, int(height * fraction)))
    return bottom_left, top_right


@pytest.mark.parametrize("size", [(1600, 1200), (400, 300), (300, 400)])
def test_the_watermark_darkens_the_bottom_left_corner_and_leaves_the_rest_alone(size):
    source = jpeg(Image.new("RGB", size, (200, 200, 200)))
    plain, stamped = run(source), run(source, watermark=WATERMARK)
    (plain_corner, plain_rest), (stamped_corner, stamped_rest) = _corners(plain), _corners(stamped)
    difference = ImageStat.Stat(ImageChops.difference(plain_corner, stamped_corner).convert("L"))
    assert difference.mean[0] > 15  # a dark box over a good part of the corner
    assert ImageChops.difference(plain_rest, stamped_rest).convert("L").getextrema()[1] < 12
    assert max(ImageStat.Stat(stamped_corner.convert("L")).extrema[0]) > 240  # white letters in the box


def test_the_watermark_draws_chinese_characters_not_empty_boxes():
    source = jpeg(Image.new("RGB", (800, 600), GREY))
    one, other = run(source, watermark=["巡更巡更"]), run(source, watermark=["保洁保洁"])
    # A font without these characters draws the same empty box for each: the two would be identical.
    corner_one, _ = _corners(one)
    corner_other, _ = _corners(other)
    assert ImageChops.difference(corner_one, corner_other).convert("L").getextrema()[1] > 100


def test_a_very_long_line_is_shortened_to_fit_the_picture():
    source = jpeg(Image.new("RGB", (400, 300), (200, 200, 200)))
    stamped = decoded(run(source, watermark=["东" * 200]).jpeg)
    assert stamped.getpixel((395, 290))[0] > 180  # the box stops before the right edge


def test_blank_watermark_lines_stamp_nothing():
    source = jpeg(marked((400, 300)))
    assert run(source, watermark=["  ", ""]).jpeg == run(source).jpeg


def test_a_missing_or_broken_watermark_font_is_a_clear_server_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="PHOTO_FONT"):
        process(jpeg(marked((40, 30))), limits=LIMITS, watermark=["x"], font_path="/nowhere/font.ttc")
    (tmp_path / "font.ttc").write_bytes(b"not a font")
    with pytest.raises(OSError, match="watermark font cannot be read"):
        process(jpeg(marked((40, 30))), limits=LIMITS, watermark=["x"], font_path=str(tmp_path / "font.ttc"))


def test_the_limits_come_from_the_settings():
    limits = PhotoLimits.from_config({"PHOTO_MAX_MB": 7.5, "PHOTO_MAX_MEGAPIXELS": 24, "PHOTO_LONG_SIDE": 1280})
    assert (limits.max_bytes, limits.max_pixels, limits.long_side) == (int(7.5 * MB), 24_000_000, 1280)


# --- WebP and GIF (issue 16) ----------------------------------------------------------------------

def test_a_webp_photo_with_exif_is_accepted_and_stored_as_a_jpeg_without_its_location():
    source = encode(marked((400, 300)), "WEBP", quality=90, exif=phone_exif(orientation=1))
    original = Image.open(io.BytesIO(source))
    assert original.format == "WEBP" and 0x8825 in original.getexif()  # where it was taken
    photo = run(source, watermark=WATERMARK)
    stored = decoded(photo.jpeg)
    assert stored.format == "JPEG" and stored.size == (400, 300) and photo.source_format == "WEBP"
    assert near(stored.getpixel((10, 10)), RED) and near(stored.getpixel((390, 10)), BLUE)
    assert photo.taken_at == datetime(2024, 5, 1, 2, 0, tzinfo=timezone.utc)
    assert not stored.getexif() and b"Exif" not in photo.jpeg and b"PhoneMaker" not in photo.jpeg


def test_a_still_gif_is_accepted_as_its_one_frame():
    source = encode(marked((200, 150)).convert("P", palette=Image.Palette.ADAPTIVE), "GIF")
    photo = run(source)
    stored = decoded(photo.jpeg)
    assert photo.source_format == "GIF" and stored.size == (200, 150)
    assert near(stored.getpixel((5, 5)), RED) and near(stored.getpixel((190, 140)), BLUE)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_an_animated_picture_is_refused_as_animated(fmt):
    frames = [marked((80, 60), colour) for colour in (BLUE, GREY, RED)]
    source = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=200, loop=0)
    assert Image.open(io.BytesIO(source)).n_frames == 3
    error = refusal(source)
    assert error.code == "photo_animated" and error.params == {}
