"""Every refusal of a photo reaches the person as a sentence, in English and in Chinese."""
import re

import pytest

from webapp.i18n import DOMAIN_MESSAGES, domain_message
from webapp.photos import ERROR_CODES, PhotoError

PARAMS = {
    "photo_too_large": {"size_mb": 15.1, "max_mb": 15},
    "photo_not_an_image": {},
    "photo_unsupported": {"format": "GIF"},
    "photo_truncated": {},
    "photo_too_many_pixels": {"megapixels": 400, "max_megapixels": 50},
    "photo_animated": {},
}


@pytest.mark.parametrize("code", ERROR_CODES)
def test_each_refusal_has_a_message_with_exactly_the_details_it_is_raised_with(code):
    template = str(DOMAIN_MESSAGES[code])  # English outside a request
    assert set(re.findall(r"%\((\w+)\)s", template)) == set(PARAMS[code])
    message = domain_message(PhotoError(code, **PARAMS[code]))
    assert all(str(value) in message for value in PARAMS[code].values()) and "%(" not in message
