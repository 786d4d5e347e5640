"""Every user-facing string has its Chinese text, with the same placeholders as the English one."""
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _source_strings() -> set[str]:
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue():
    with open(ROOT / "webapp/translations/zh/LC_MESSAGES/messages.po", "rb") as f:
        return read_po(f, locale="zh")


def test_every_string_in_the_code_has_a_chinese_translation():
    catalogue = _catalogue()
    missing = sorted(s for s in _source_strings() if not (catalogue.get(s) and catalogue.get(s).string))
    assert not missing, "run `make messages`, then translate these in webapp/translations/zh: " + repr(missing)


def test_translations_keep_their_placeholders_and_are_not_fuzzy():
    for message in _catalogue():
        if not message.id:
            continue
        assert "fuzzy" not in message.flags, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)  # singular and plural (msgid_plural)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for source in ids:
            for text in texts:
                assert sorted(re.findall(r"%\(\w+\)s", source)) == sorted(re.findall(r"%\(\w+\)s", text)), message.id


def test_every_gap_the_engine_can_explain_has_a_sentence():
    from webapp.domain.gaps import EXPLANATIONS
    from webapp.i18n import GAP_MESSAGES

    assert set(EXPLANATIONS) == set(GAP_MESSAGES)
