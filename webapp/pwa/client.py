"""What the page scripts are told: who is signed in, where to send, and every word they show, translated."""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import ALL_ROLES, MANAGEMENT, home_endpoint, home_zone, site_ids
from webapp.links import scan_url
from webapp.models import Role
from webapp.pwa.shell import TOKEN_PATTERN, version

# who keeps plant rooms' readings forms on the phone: engineers every one of their sites', guards and leads those on
# a patrol route (a combined round, 巡更兼抄表)
READERS = frozenset({Role.ENGINEER, Role.GUARD, Role.LEAD})


def html_lang() -> str:
    """The language tag of the pages: zh-Hans or en."""
    from flask_babel import get_locale

    return "zh-Hans" if str(get_locale()) == "zh" else "en"


def _words() -> dict[str, str]:
    return {
        "scan": _("Scan"), "sos": _("SOS"), "cleaning_check": _("Cleaning check"), "incident": _("Problem report"), "inspection": _("Inspection"),
        "qr": _("QR label"), "nfc": _("NFC tag"), "code": _("code typed in"),
        "pending": _("Waiting to be sent"), "sent": _("On the server"),
        "rejected": _("Refused by the server: %(reason)s", reason="{reason}"),
        "other_person": _("Waits for %(name)s to sign in", name="{name}"),
        "details": _("Details"), "dismiss": _("Remove from the list"),
        "pending_count": _("%(count)s waiting to be sent", count="{count}"),
        "all_sent": _("Everything is on the server."),
        "last_sync": _("Last sent: %(time)s", time="{time}"), "never_synced": _("Nothing sent from this phone yet."),
        "update_ready": _("A new version of Rounds is ready."), "reload": _("Reload now"),
        "looking": _("Looking for a QR label…"),
        "camera_failed": _("The camera could not be opened. Allow camera access, or type the code below."),
        "no_camera": _("This browser cannot open the camera here. Use the phone's camera app or type the code below."),
        "scan_saved": _("Scan saved at %(time)s.", time="{time}"),
        "not_a_label": _("This QR code is not a checkpoint label of Rounds."),
        "nfc_hold": _("Hold the phone to the NFC tag."),
        "nfc_failed": _("NFC could not be started. Allow NFC, or scan the QR label."),
        "nfc_not_a_label": _("This NFC tag holds no checkpoint of Rounds."),
        "nfc_write_hold": _("Hold the phone to an empty NFC tag."),
        "nfc_written": _("The tag now holds %(name)s.", name="{name}"),
        "nfc_write_failed": _("The tag could not be written. Try again, or use another tag."),
        "code_offline": _("No signal: a typed code can only be checked online. Scan the QR label or tap the NFC tag instead."),
        "saved_here": _("Saved on this phone. It is sent as soon as there is signal."),
        "reading": _("Equipment reading"),
        "scanned_at": _("Scanned at %(time)s.", time="{time}"),
        "back_home": _("Back to my page"),
        # a scan's confirmation worked out on the phone (static/js/confirmation.js), as the label page words it
        "round_progress": _("%(done)s of %(total)s checkpoints visited", done="{done}", total="{total}"),
        "next": _("Next"), "walk": _("%(minutes)s min walk", minutes="{minutes}"),
        "finish_by": _("Finish the round by %(time)s", time="{time}"), "round_complete": _("Round complete."),
        "no_round": _("No round of your shift is due at this checkpoint now; the scan is kept."),
        "code_label": _("Code"),
        "unknown_label": _("This label is not on this phone's list yet: the scan is kept and checked when there is signal."),
        "resume": _("Continue scanning"),
    }


def settings() -> dict:
    """The JSON block every page carries for its scripts (not executable: a strict CSP allows it)."""
    signed_in = current_user.is_authenticated
    person = {"id": current_user.id, "name": current_user.name, "role": current_user.role.value} if signed_in else None
    return {
        "person": person, "lang": html_lang(), "sw": url_for("pwa.service_worker"),
        "me": url_for("api.me"), "sync": url_for("api.sync"), "photos": url_for("api.upload_photo"),
        "sos": url_for("alerts.sos"), "health": url_for("api.health"), "login": url_for("auth.login"), "scan_page": url_for("field.scan_by_code"),
        "home": url_for("home.index"), "token_pattern": TOKEN_PATTERN, "words": _words(),
        "warm": _field_pages() if signed_in else [], "version": version(),
        # times worked out on the phone read in the site's zone, as the server's pages do, whatever the phone's is
        "zone": home_zone(current_user) if signed_in else current_app.config["DEFAULT_TIMEZONE"],
    }


def _field_pages() -> list[str]:
    """The pages a signed-in person may need without signal: kept on the phone by the service worker."""
    if current_user.role not in ALL_ROLES:  # a client (甲方) has no field pages: only the portal, online
        return []
    home = home_endpoint(current_user)
    pages = [url_for("field.scan_by_code"), url_for("field.report_incident")]
    if current_user.role in READERS:  # plant rooms' readings forms, opened when a label is scanned offline
        from webapp.field.readings import plant_rooms  # the field blueprint imports this module

        rooms = plant_rooms(site_ids(current_user), on_routes=current_user.role != Role.ENGINEER)
        pages += [url_for("equipment.kept_readings", checkpoint_id=c) for c in rooms]
    return pages + ([url_for(home)] if home.startswith("home.") else [])


def nfc_targets(person) -> list[dict]:
    """The checkpoints whose address a manager may write to an NFC tag (others never see tokens)."""
    from webapp.field import queries  # the field blueprint imports this module

    if not person.is_authenticated or person.role not in MANAGEMENT:
        return []
    return [{"name": f"{c.site.name} · {c.code} {c.name}", "url": scan_url(c.token)}
            for c in queries.site_checkpoints(site_ids(person))]
