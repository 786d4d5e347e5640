"""A photo says when it was taken, not when it arrived; WebP and still GIFs are accepted, animations refused."""
from __future__ import annotations

import io
import uuid
from datetime import timedelta, timezone

from PIL import Image
from sqlalchemy import select

from tests import clock
from tests.field.helpers import CST, Phone, jpeg
from tests.photos.images import marked, phone_exif
from webapp.api.schemas import PhotoUpload
from webapp.extensions import db
from webapp.field import photos
from webapp.models import Photo

UTC = timezone.utc


def _pinned(app):
    """The server's 'now' pinned to the run's clock, to the second: the times below are exact."""
    now = clock.now().replace(microsecond=0)
    app.config["ROUNDS_NOW"] = now
    return now


def _stored(answer) -> Photo:
    assert answer.status_code == 201, answer.get_json()
    return db.session.scalar(select(Photo).where(Photo.id == answer.get_json()["id"]))


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def test_a_photo_sent_three_hours_late_keeps_the_time_it_was_taken_on_its_watermark_and_its_page(world, app):
    now = _pinned(app)
    phone = Phone(app, "guard")
    taken = now.astimezone(CST) - timedelta(hours=3)  # queued without signal, sent when it came back
    photo = _stored(phone.upload(jpeg(), site_id=world.site_a.id, device_time=taken.isoformat(),
                                 sent_at=now.astimezone(CST).isoformat()))
    assert photo.captured_at == taken.astimezone(UTC) and photo.received_at == now
    with app.test_request_context():
        prepared = photos.prepare(world.people["guard"], {world.site_a.id},
                                  PhotoUpload(client_uuid=uuid.uuid4(), device_id="phone-1", site_id=world.site_a.id,
                                              device_time=taken, sent_at=now.astimezone(CST)), jpeg(), now=now)
    assert prepared.watermark[-1] == taken.strftime("%Y-%m-%d %H:%M")  # the watermark's time line, in Shanghai
    assert prepared.watermark[-1] != now.astimezone(CST).strftime("%Y-%m-%d %H:%M")
    page = phone.client.get(f"/photos/{photo.id}").get_data(as_text=True)
    assert f"<dd data-taken>{taken:%Y/%m/%d %H:%M}</dd>" in page
    assert f"<dd data-received>{now.astimezone(CST):%Y/%m/%d %H:%M}</dd>" in page
    assert "拍摄时间" in page and "收到时间" in page
    assert Phone(app, "guard_b").client.get(f"/photos/{photo.id}").status_code == 404  # another site's guard


def test_without_a_phone_time_the_cameras_exif_time_is_used_when_plausible(world, app):
    now = _pinned(app)
    phone = Phone(app, "guard")
    earlier = now.astimezone(CST) - timedelta(minutes=40)
    believed = jpeg_with_exif(earlier.strftime("%Y:%m:%d %H:%M:%S"))
    photo = _stored(phone.upload(believed, site_id=world.site_a.id))
    assert photo.captured_at == earlier.astimezone(UTC) and photo.received_at == now
    for implausible in (now.astimezone(CST) + timedelta(hours=5), now.astimezone(CST) - timedelta(days=30)):
        photo = _stored(phone.upload(jpeg_with_exif(implausible.strftime("%Y:%m:%d %H:%M:%S")), site_id=world.site_a.id))
        assert photo.captured_at == now  # a camera clock not to be believed: when it arrived


def jpeg_with_exif(taken: str) -> bytes:
    """A camera JPEG with DateTimeOriginal (+08:00) and a GPS position."""
    return _encoded(marked((320, 240)), "JPEG", quality=90, exif=phone_exif(orientation=1, taken=taken))


def test_webp_and_a_still_gif_are_stored_and_an_animated_gif_is_refused_in_the_persons_language(world, app):
    phone = Phone(app, "guard")
    webp = _stored(phone.upload(_encoded(marked((320, 240)), "WEBP", quality=85), site_id=world.site_a.id,
                                filename="p.webp"))
    gif = _stored(phone.upload(_encoded(marked((120, 90)).convert("P"), "GIF"), site_id=world.site_a.id,
                               filename="p.gif"))
    for photo in (webp, gif):
        served = phone.client.get(f"/photos/{photo.id}.jpg")
        assert Image.open(io.BytesIO(served.data)).format == "JPEG" and (photo.width, photo.height) == \
            Image.open(io.BytesIO(served.data)).size
    frames = [marked((80, 60), colour) for colour in ((20, 40, 220), (230, 20, 20))]
    animated = _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=300, loop=0)
    answer = phone.upload(animated, site_id=world.site_a.id, filename="moving.gif")
    assert answer.status_code == 400 and answer.get_json()["error"] == "photo_animated"
    assert "不接受动图" in answer.get_json()["message"]
