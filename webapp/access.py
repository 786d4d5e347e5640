"""Who may do what: roles, the sites a person works at, and the one decorator every route declares."""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user
from sqlalchemy import select

from webapp.extensions import db, login_manager
from webapp.models import Person, Role, Site

EVERYONE = frozenset(Role)  # the company's staff and its clients: only sign-out and the home redirect
ALL_ROLES = frozenset(r for r in Role if r != Role.CLIENT)  # the company's staff; a client reaches only the portal
FIELD = frozenset({Role.GUARD, Role.CLEANER})
OVERSIGHT = frozenset({Role.LEAD, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
MANAGEMENT = frozenset({Role.MANAGER, Role.ADMIN})
QUALITY = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})  # inspect, issue notices and violations (品质)
REPAIRS = frozenset({Role.ENGINEER, Role.FRONT_DESK, Role.LEAD, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})  # work orders


@dataclass(frozen=True)
class Policy:
    """A route's declared policy: public, or signed in with one of `roles`, scoped to the site in `site_arg`."""

    public: bool
    roles: frozenset[Role]
    site_arg: str | None = None


def _declare(view, policy: Policy):
    view.rounds_policy = policy
    return view


def public(view):
    """Declare a route open to anyone, signed in or not."""
    return _declare(view, Policy(public=True, roles=EVERYONE))


def allow(*roles: Role | frozenset[Role], site_arg: str | None = None):
    """Declare who may use a route: signed in, one of `roles`, and working at the site named by `site_arg`."""
    allowed: set[Role] = set()
    for r in roles:
        allowed |= set(r) if isinstance(r, (set, frozenset)) else {r}
    policy = Policy(public=False, roles=frozenset(allowed), site_arg=site_arg)

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in policy.roles:
                abort(403)
            if policy.site_arg is not None and kwargs[policy.site_arg] not in site_ids(current_user):
                abort(404)  # another company's or another team's site does not exist for this person
            return view(*args, **kwargs)

        return _declare(guarded, policy)

    return decorator


def home_zone(person: Person) -> str:
    """The time zone a person's times are shown in where no one site is in view: their first site's."""
    return person.sites[0].timezone if person.sites else current_app.config["DEFAULT_TIMEZONE"]


def site_ids(person: Person) -> set[int]:
    """Ids of the sites a person may see: all of the company's for an administrator, else their own."""
    cache = getattr(request, "_rounds_site_ids", None) if request else None
    if cache is not None:
        return cache
    if person.role == Role.ADMIN:
        ids = set(db.session.scalars(select(Site.id).where(Site.company_id == person.company_id)))
    else:
        ids = {s.id for s in person.sites if s.company_id == person.company_id}
    if request:
        request._rounds_site_ids = ids
    return ids


def visible_sites(person: Person) -> list[Site]:
    """The sites a person may see, by name."""
    ids = site_ids(person)
    if not ids:
        return []
    return list(db.session.scalars(select(Site).where(Site.id.in_(ids)).order_by(Site.name)))


def home_endpoint(person: Person) -> str:
    """The page a person lands on after signing in, by role."""
    return {
        Role.GUARD: "home.guard",
        Role.CLEANER: "home.cleaner",
        Role.LEAD: "home.lead",
        Role.ENGINEER: "orders.mine",
        Role.FRONT_DESK: "orders.mine",
        Role.CLIENT: "portal.index",
    }.get(person.role, "sites.overview")
