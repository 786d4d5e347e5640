"""Every page writes a day one way per language (2026/11/25 in Chinese, 25 Nov 2026 in English) and names a time
zone as people say it (北京时间), never its IANA id: crawled from each role's landing page through its links."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import FIXED_NOW, demo_at, sign_in
from webapp.extensions import db
from webapp.models import Person

ROLES = [("guard", "Rounds-guard-1"), ("lead", "Rounds-lead-1"), ("supervisor", "Rounds-super-1"),
         ("manager", "Rounds-manager-1"), ("client", "Rounds-client-1")]
MAX_PAGES = 45  # per role: enough to reach the board, handovers, reports, notices, orders, inspections, set-up
SKIP = re.compile(r"\.(pdf|xlsx|jpg|png|json|js|css|svg)$|^/(logout|static|api|sw\.js|photos)|/export|/labels\.pdf")
ISO_DAY = re.compile(r"\b20\d\d-\d\d-\d\d\b")
OTHER_DAY = {"zh": re.compile(r"\b\d{1,2} [A-Z][a-z]{2} 20\d\d\b"), "en": re.compile(r"\b20\d\d/\d\d/\d\d\b")}


def _visible(html: str) -> str:
    """What a person reads: text between tags, not attributes (input values, links), scripts or styles."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<textarea\b.*?</textarea>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _links(html: str) -> list[str]:
    out = []
    for href in re.findall(r'<a [^>]*href="([^"#]+)"', html):
        path = urlsplit(href.replace("&amp;", "&"))
        if not path.netloc and path.path.startswith("/") and not SKIP.search(path.path):
            out.append(path.path + (f"?{path.query}" if path.query else ""))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("login,password", ROLES, ids=[r[0] for r in ROLES])
def test_no_page_a_role_reaches_writes_a_day_another_way_or_a_raw_zone(app, login, password, lang):
    demo_at(FIXED_NOW)
    app.config["ROUNDS_NOW"] = FIXED_NOW
    db.session.query(Person).filter_by(login=login).update({"language": lang})
    db.session.commit()
    client = app.test_client()
    landing = sign_in(client, login, password).headers["Location"]
    queue, seen, bad = [urlsplit(landing).path], set(), {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path)
        if answer.status_code != 200 or not answer.mimetype == "text/html":
            continue
        html = answer.get_data(as_text=True)
        text = _visible(html)
        found = ISO_DAY.findall(text) + OTHER_DAY[lang].findall(text) + re.findall(r"\b(?:Asia|Europe|America)/\w+", text)
        if found:
            bad[path] = sorted(set(found))[:5]
        queue.extend(link for link in _links(html) if link not in seen)
    assert len(seen) >= (3 if login in ("guard", "client") else 10), f"{login} reached only {sorted(seen)}"
    assert bad == {}, f"{login} ({lang}): days or zones written another way: {bad}"
