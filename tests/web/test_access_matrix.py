"""Every route declares who may use it, and every role at every site gets exactly that.

The table below is the statement of who may do what. A new route fails
`test_every_route_is_in_the_table_and_declares_a_policy` until a row is added for it, and then every
role is tried against it, at its own site and at a site it does not work at.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import csrf_from, sign_in
from webapp.models import Role

G, C, L, S, M, A = Role.GUARD, Role.CLEANER, Role.LEAD, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN
E, F = Role.ENGINEER, Role.FRONT_DESK  # 工程维修, 客服
K = Role.CLIENT  # 甲方: read-only, only the client portal
STAFF = {G, C, L, S, M, A, E, F}  # the company's people (access.ALL_ROLES)
EVERYONE = STAFF | {K}  # access.EVERYONE: sign-out and the home redirect
OVERSIGHT = {L, S, M, A}
REPAIRS = {E, F, L, S, M, A}  # work orders


@dataclass(frozen=True)
class Row:
    path: str  # {site}, {token}, {scan}, {photo}: of the person's own site, or of a site they do not work at
    roles: set[Role] | None  # None: public
    method: str = "GET"
    ok: int = 200  # the status of an allowed request
    ok_signed_in: int | None = None  # where a signed-in person is answered otherwise (sent on to their page)
    ok_for: tuple[tuple[Role, int], ...] = ()  # roles answered otherwise (e.g. a cleaner gets the checklist)

    @property
    def scoped(self) -> bool:
        """Declared with site_arg: the site is in the URL."""
        return "{site}" in self.path

    @property
    def per_site(self) -> bool:
        """Tried at the person's own site and at a foreign one."""
        return "{" in self.path


def _managers_form(path: str) -> tuple[Row, Row]:
    """A managers' form page: GET it and POST it (404 past the policy where the path's id 0 names nothing)."""
    return Row(path, {M, A}, ok=404), Row(path, {M, A}, method="POST", ok=404)


TABLE = {
    "auth.login": Row("/login", None, ok_signed_in=302),
    "auth.logout": Row("/logout", EVERYONE, method="POST", ok=302),
    "auth.language": Row("/language", None, method="POST", ok=302),
    "auth.password": Row("/account/password", EVERYONE),
    "home.index": Row("/", EVERYONE, ok=302),
    "home.guard": Row("/guard", {G}),
    "home.cleaner": Row("/cleaner", {C}),
    "home.lead": Row("/lead", {L}),
    "home.waiting": Row("/lead/waiting", {L}),
    "sites.overview": Row("/sites/", OVERSIGHT),
    "sites.detail": Row("/sites/{site}", OVERSIGHT),
    # plant rooms (webapp/equipment): ids 0 name nothing, so an allowed person gets 404 past the policy
    "equipment.register": Row("/sites/{site}/equipment", OVERSIGHT | {E}),
    "equipment.create": Row("/sites/{site}/equipment", {M, A}, method="POST", ok=422),
    "equipment.create_round": Row("/sites/{site}/equipment/rounds", {M, A}, method="POST", ok=422),
    "equipment.detail": Row("/sites/{site}/equipment/0", OVERSIGHT | {E}, ok=404),
    "equipment.add_item": Row("/sites/{site}/equipment/0/items", {M, A}, method="POST", ok=404),
    "equipment.add_task": Row("/sites/{site}/equipment/0/tasks", {M, A}, method="POST", ok=404),
    "equipment.item_trend": Row("/sites/{site}/equipment/items/0/trend", OVERSIGHT | {E}, ok=404),
    # correcting and retiring (停用) the register's things: the edit page (GET and POST) and the status button
    "equipment.edit_equipment": _managers_form("/sites/{site}/equipment/0/edit"),
    "equipment.equipment_status": Row("/sites/{site}/equipment/0/status", {M, A}, method="POST", ok=404),
    "equipment.edit_item": _managers_form("/sites/{site}/equipment/items/0/edit"),
    "equipment.item_status": Row("/sites/{site}/equipment/items/0/status", {M, A}, method="POST", ok=404),
    "equipment.edit_task": _managers_form("/sites/{site}/equipment/tasks/0/edit"),
    "equipment.task_status": Row("/sites/{site}/equipment/tasks/0/status", {M, A}, method="POST", ok=404),
    "equipment.edit_round": _managers_form("/sites/{site}/equipment/rounds/0/edit"),
    "equipment.round_status": Row("/sites/{site}/equipment/rounds/0/status", {M, A}, method="POST", ok=404),
    "equipment.import_equipment": Row("/sites/{site}/equipment/import", {M, A}),
    "equipment.import_template": Row("/sites/{site}/equipment/import/template.csv", {M, A}),
    "equipment.maintenance": Row("/sites/{site}/equipment/maintenance", OVERSIGHT | {E}),
    "equipment.maintenance_done": Row("/sites/{site}/equipment/maintenance/0", {M, A, E}, ok=404),
    "equipment.readings": Row("/s/{token}/readings", STAFF, ok=404),  # the matrix label is no plant room (tests/equipment)
    "equipment.kept_readings": Row("/plant-rooms/0/readings", STAFF, ok=404),
    "alerts.site_alerts": Row("/sites/{site}/alerts", OVERSIGHT),
    "alerts.acknowledge": Row("/sites/{site}/alerts/acknowledge", OVERSIGHT, method="POST", ok=400),  # no alert named
    "alerts.site_settings": (Row("/sites/{site}/alerts/settings", {M, A}),
                             Row("/sites/{site}/alerts/settings", {M, A}, method="POST", ok=422)),  # nothing filled in
    "alerts.my_settings": (Row("/account/alerts", STAFF), Row("/account/alerts", STAFF, method="POST", ok=302)),
    "alerts.subscribe": Row("/account/alerts/push", STAFF, method="POST", ok=400),  # no subscription sent
    "alerts.sos": Row("/alerts/sos", {G, C}, method="POST", ok=400),  # no call sent
    "alerts.i_am_ok": Row("/alerts/ok", {G, C}, method="POST"),
    "alerts.now_for_me": Row("/alerts/now", {G, C, L}),
    "admin.audit": Row("/admin/audit", {A}),
    # site set-up (webapp/setup): {checkpoint}, {area}, {route}, ... are things of the site under test (see _setup_things)
    "setup.index": Row("/setup/", {M, A}),
    "setup.create_site": Row("/setup/sites", {A}, method="POST", ok=422),  # 422: a form with errors beside its fields
    "setup.people": Row("/setup/people", {M, A}),
    "setup.create_person": Row("/setup/people", {M, A}, method="POST", ok=422),
    "setup.person": Row("/setup/people/{person}", {M, A}),
    "setup.update_person": Row("/setup/people/{person}", {M, A}, method="POST", ok=422),
    "setup.reset_password": Row("/setup/people/{person}/password", {M, A}, method="POST", ok=422),
    "setup.person_status": Row("/setup/people/{person}/status", {M, A}, method="POST", ok=422),
    "setup.site": Row("/sites/{site}/setup", {M, A}),
    "setup.update_site": Row("/sites/{site}/setup", {M, A}, method="POST", ok=422),
    "setup.create_area": Row("/sites/{site}/setup/areas", {M, A}, method="POST", ok=422),
    "setup.area": Row("/sites/{site}/setup/areas/{area}", {M, A}),
    "setup.update_area": Row("/sites/{site}/setup/areas/{area}", {M, A}, method="POST", ok=422),
    "setup.area_status": Row("/sites/{site}/setup/areas/{area}/status", {M, A}, method="POST", ok=422),
    "setup.checkpoints": Row("/sites/{site}/setup/checkpoints", {M, A}),
    "setup.create_checkpoint": Row("/sites/{site}/setup/checkpoints", {M, A}, method="POST", ok=422),
    "setup.checkpoint": Row("/sites/{site}/setup/checkpoints/{checkpoint}", {M, A}),
    "setup.update_checkpoint": Row("/sites/{site}/setup/checkpoints/{checkpoint}", {M, A}, method="POST", ok=422),
    "setup.checkpoint_status": Row("/sites/{site}/setup/checkpoints/{checkpoint}/status", {M, A}, method="POST", ok=422),
    "setup.reissue_token": Row("/sites/{site}/setup/checkpoints/{checkpoint}/token", {M, A}, method="POST", ok=303),
    "setup.checklist": Row("/sites/{site}/setup/checkpoints/{checkpoint}/checklist", {M, A}, method="POST", ok=422),
    "setup.routes": Row("/sites/{site}/setup/routes", {M, A}),
    "setup.create_route": Row("/sites/{site}/setup/routes", {M, A}, method="POST", ok=422),
    "setup.route": Row("/sites/{site}/setup/routes/{route}", {M, A}),
    "setup.update_route": Row("/sites/{site}/setup/routes/{route}", {M, A}, method="POST", ok=422),
    "setup.route_stops": Row("/sites/{site}/setup/routes/{route}/stops", {M, A}, method="POST", ok=422),
    "setup.plans": Row("/sites/{site}/setup/plans", {M, A}),
    "setup.new_patrol_plan": Row("/sites/{site}/setup/plans/patrol/new", {M, A}),
    "setup.create_patrol_plan": Row("/sites/{site}/setup/plans/patrol/new", {M, A}, method="POST", ok=422),
    "setup.patrol_plan": Row("/sites/{site}/setup/plans/patrol/{patrol_plan}", {M, A}),
    "setup.update_patrol_plan": Row("/sites/{site}/setup/plans/patrol/{patrol_plan}", {M, A}, method="POST", ok=422),
    "setup.patrol_preview": Row("/sites/{site}/setup/plans/patrol/preview", {M, A}),
    "setup.new_cleaning_plan": Row("/sites/{site}/setup/plans/cleaning/new", {M, A}),
    "setup.create_cleaning_plan": Row("/sites/{site}/setup/plans/cleaning/new", {M, A}, method="POST", ok=422),
    "setup.cleaning_plan": Row("/sites/{site}/setup/plans/cleaning/{cleaning_plan}", {M, A}),
    "setup.update_cleaning_plan": Row("/sites/{site}/setup/plans/cleaning/{cleaning_plan}", {M, A}, method="POST", ok=422),
    "setup.cleaning_preview": Row("/sites/{site}/setup/plans/cleaning/preview", {M, A}),
    "setup.shifts": Row("/sites/{site}/setup/shifts", {M, A}),
    "setup.create_template": Row("/sites/{site}/setup/shifts", {M, A}, method="POST", ok=422),
    "setup.template": Row("/sites/{site}/setup/shifts/{template}", {M, A}),
    "setup.update_template": Row("/sites/{site}/setup/shifts/{template}", {M, A}, method="POST", ok=422),
    "setup.roster": Row("/sites/{site}/setup/roster", {M, A}),
    "setup.roster_cell": Row("/sites/{site}/setup/roster/{template}/2026-11-30", {M, A}),
    "setup.save_roster_cell": Row("/sites/{site}/setup/roster/{template}/2026-11-30", {M, A}, method="POST", ok=303),  # nobody: no shift
    "setup.copy_roster": Row("/sites/{site}/setup/roster/copy", {M, A}, method="POST", ok=422),
    "ops.healthz": Row("/healthz", None),
    "api.health": Row("/api/v1/health", None),
    "labels.choose": Row("/sites/{site}/labels", {M, A}),
    "labels.sheet": Row("/sites/{site}/labels.pdf", {M, A}),
    "imports.checkpoints": Row("/sites/{site}/checkpoints/import", {M, A}),  # GET; POST is tried in tests/imports
    "imports.template": Row("/sites/{site}/checkpoints/import/template.csv", {M, A}),
    "api.me": Row("/api/v1/me", STAFF),
    "api.checkpoints": Row("/api/v1/sites/{site}/checkpoints", STAFF),
    "setup.end_sessions": Row("/setup/people/{person}/sessions", {M, A}, method="POST", ok=303),
    "api.openapi_document": Row("/api/v1/openapi.json", None),
    "board.board": Row("/sites/{site}/board", OVERSIGHT),
    "board.mine": Row("/exceptions", STAFF),
    "board.cover": Row("/shifts/{shift}/cover", OVERSIGHT, method="POST", ok=302),  # nobody named: said, and sent back
    "board.act": Row("/shifts/{shift}/gaps", STAFF, method="POST", ok=302),  # no such gap: said, and sent back
    "handover.page": Row("/shifts/{shift}/handover", OVERSIGHT),
    "handover.step": Row("/shifts/{shift}/handover", OVERSIGHT, method="POST", ok=400),  # no step named
    "handover.as_pdf": Row("/handovers/{handover}.pdf", OVERSIGHT),
    "handover.history": Row("/sites/{site}/handovers", OVERSIGHT),
    "handover.verify": Row("/sites/{site}/handovers/verify", OVERSIGHT),
    "api.sync": Row("/api/v1/sync", STAFF, method="POST", ok=400),  # an empty batch is malformed
    "api.upload_photo": Row("/api/v1/photos", STAFF, method="POST", ok=400),
    "pwa.manifest": Row("/manifest.webmanifest", None),
    "pwa.service_worker": Row("/sw.js", None),
    "pwa.offline": Row("/offline", None),
    "pwa.saved_scan": Row("/offline/scan", None),
    "field.open_label": Row("/s/{token}", STAFF, ok=302, ok_for=((C, 200),)),  # scans, or the cleaner's checklist
    "field.scan_done": Row("/scans/{scan}", STAFF),
    "field.scan_map": Row("/scan/map", STAFF),
    "field.scan_by_code": (Row("/scan", STAFF), Row("/scan", STAFF, method="POST", ok=400)),  # POST: no code
    "field.submit_check": Row("/s/{token}/check", {C, L, S, M, A}, method="POST", ok=400),
    "field.report_incident": Row("/incidents/new", STAFF),
    "field.incident": Row("/incidents/{incident}", STAFF),  # their own; overseers any of their sites (tests/field)
    "field.photo_page": Row("/photos/{photo}", STAFF),
    "field.photo": Row("/photos/{photo}.jpg", STAFF),
    "field.photo_thumb": Row("/photos/{photo}/thumb.jpg", STAFF),
    # notices (webapp/notices): {notice} is given to the person under test (see World.quality_records)
    "notices.index": Row("/notices", OVERSIGHT),
    "notices.mine": Row("/notices/mine", STAFF),
    "notices.new": (Row("/notices/new", OVERSIGHT), Row("/notices/new", OVERSIGHT, method="POST", ok=400)),  # POST: empty
    "notices.page": Row("/notices/{notice}", STAFF),
    "notices.step": Row("/notices/{notice}/steps", STAFF, method="POST", ok=400),  # no step named
    # violations (webapp/violations): {violation} is written against the person under test
    "violations.index": Row("/violations", {S, M, A}),
    "violations.mine": Row("/violations/mine", STAFF),
    "violations.new": (Row("/violations/new", {S, M, A}), Row("/violations/new", {S, M, A}, method="POST", ok=400)),
    "violations.page": Row("/violations/{violation}", STAFF),
    "violations.step": Row("/violations/{violation}/steps", STAFF, method="POST", ok=400),  # no step named
    # work orders (webapp/orders): {order} is an order just received at the site under test (see World.work_order)
    "orders.mine": Row("/orders/mine", REPAIRS),
    "orders.index": Row("/orders", REPAIRS),
    "orders.new": (Row("/orders/new", REPAIRS), Row("/orders/new", REPAIRS, method="POST", ok=400)),  # POST: nothing filled in
    "orders.detail": Row("/orders/{order}", REPAIRS),
    "orders.step": Row("/orders/{order}/steps", REPAIRS, method="POST", ok=400),  # no step named
    # inspections (webapp/inspections): {inspection_template}, {inspection_plan}, {inspection} from tests/inspections/things.py
    "inspections.templates": Row("/inspection-templates", {S, M, A}),
    "inspections.new_template": Row("/inspection-templates/new", {S, M, A}),
    "inspections.create_template": Row("/inspection-templates/new", {S, M, A}, method="POST", ok=422),  # no items
    "inspections.template": Row("/inspection-templates/{inspection_template}", {S, M, A}),
    "inspections.update_template": Row("/inspection-templates/{inspection_template}", {S, M, A}, method="POST", ok=422),
    "inspections.retire_template": Row("/inspection-templates/{inspection_template}/retire", {S, M, A}, method="POST", ok=303),
    "inspections.plans": Row("/sites/{site}/inspection-plans", {S, M, A}),
    "inspections.add_plan": Row("/sites/{site}/inspection-plans", {M, A}, method="POST", ok=422),
    "inspections.deactivate_plan": Row("/sites/{site}/inspection-plans/{inspection_plan}/deactivate", {M, A}, method="POST",
                                       ok=303),
    "inspections.new": Row("/inspections/new", {S, M, A}),
    "inspections.submit": Row("/inspections/new", {S, M, A}, method="POST", ok=302),  # no place named: back to choosing
    "inspections.index": Row("/inspections", OVERSIGHT),
    "inspections.detail": Row("/inspections/{inspection}", OVERSIGHT),
    "inspections.scores": Row("/sites/{site}/inspection-scores", OVERSIGHT),
    # scorecards and the quality board (webapp/scorecards)
    "scorecards.board": Row("/sites/{site}/quality", OVERSIGHT),
    "scorecards.site_cards": Row("/sites/{site}/scorecards", {S, M, A}),
    "scorecards.site_cards_xlsx": Row("/sites/{site}/scorecards.xlsx", {S, M, A}),
    "scorecards.mine": Row("/scorecards/mine", STAFF),
    # service reports (webapp/reports)
    "reports.page": Row("/sites/{site}/reports", OVERSIGHT),
    "reports.records": Row("/sites/{site}/reports/records?period=month&figure=patrol.rounds_due", OVERSIGHT),
    "reports.as_pdf": Row("/sites/{site}/reports.pdf?period=week", OVERSIGHT),
    "reports.as_xlsx": Row("/sites/{site}/reports.xlsx?period=day", OVERSIGHT),
    # scheduled reports and the meeting pack (webapp/reports/jobs): {generated} is a ready report of the site
    "reports.generated_list": Row("/sites/{site}/generated-reports", {S, M, A}),
    "reports.generate": Row("/sites/{site}/generated-reports", {M, A}, method="POST", ok=400),  # 400: no kind chosen
    "reports.generated_file": Row("/sites/{site}/generated-reports/{generated}.pdf", {S, M, A}),
    "reports.release": Row("/sites/{site}/generated-reports/{generated}/release", {M, A}, method="POST", ok=303),
    "reports.meeting_pack": Row("/sites/{site}/meeting-pack?month=2026-11", {S, M, A}),
    # client portal (webapp/portal): a client reaches only these; its files and photos are tried in tests/portal
    "portal.index": Row("/portal/", {K}),
    "portal.board": Row("/portal/sites/{site}", {K}),
    "portal.reports": Row("/portal/sites/{site}/reports", {K}),
    "portal.report_file": Row("/portal/sites/{site}/reports/0.pdf", {K}, ok=404),  # no such released report
    "portal.chain_check": Row("/portal/sites/{site}/chain", {K}),
    "portal.photo": Row("/portal/photos/0.jpg", {K}, ok=404),  # no such evidence photo
    "portal.settings": Row("/portal/settings", {A}, method="POST", ok=302),
    # a group of sites (webapp/reports/group_views.py): no site chosen → the form (the spreadsheet sends to it);
    # a chosen site is tried as the person's own and as a foreign one (404)
    "reports.group_page": (Row("/reports/group", OVERSIGHT), Row("/reports/group?sites={site}&period=day", OVERSIGHT)),
    "reports.group_xlsx_file": (Row("/reports/group.xlsx", OVERSIGHT, ok=302),
                                Row("/reports/group.xlsx?sites={site}&period=day", OVERSIGHT)),
    "reports.group_pdf_file": (Row("/reports/group.pdf", OVERSIGHT, ok=302),
                               Row("/reports/group.pdf?sites={site}&period=day", OVERSIGHT)),
}
EXEMPT = {"static"}  # Flask's own static files: public by nature


def rows_of(endpoint: str) -> tuple[Row, ...]:
    """The rows of an endpoint: one per method tried."""
    entry = TABLE[endpoint]
    return entry if isinstance(entry, tuple) else (entry,)


CASES = [(endpoint, n) for endpoint in sorted(TABLE) for n in range(len(rows_of(endpoint)))]


def test_every_route_is_in_the_table_and_declares_a_policy(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - EXEMPT
    assert endpoints == set(TABLE), "add a row to TABLE for each new route (and remove rows of removed routes)"
    for endpoint in endpoints:
        policy = getattr(app.view_functions[endpoint], "rounds_policy", None)
        assert policy is not None, f"{endpoint} declares no policy: use @allow(...) or @public"
        row = rows_of(endpoint)[0]
        assert policy.public == (row.roles is None), endpoint
        if row.roles is not None:
            assert set(policy.roles) == row.roles, endpoint
            assert (policy.site_arg is not None) == row.scoped, endpoint


def _setup_things(world, own_site: bool, path: str) -> dict:
    """The set-up pages' placeholders: a checkpoint, area, route, plan, shift template or person of site A or of site C."""
    if not any(f"{{{name}}}" in path for name in ("checkpoint", "area", "person", "route", "template", "patrol_plan",
                                                   "cleaning_plan")):
        return {}
    from datetime import time

    from webapp.extensions import db
    from webapp.models import CleaningPlan, PatrolPlan, Route, RouteStop, ShiftTemplate

    site, checkpoint = (world.site_a, world.checkpoint_a) if own_site else (world.site_c, world.checkpoint_c)
    made = getattr(world, "setup_things", {})
    if site.id not in made:
        route = Route(site_id=site.id, name="矩阵路线", stops=[RouteStop(checkpoint_id=checkpoint.id, position=0)])
        template = ShiftTemplate(site_id=site.id, name="矩阵班次", start_local=time(8), end_local=time(20))
        db.session.add_all([route, template])
        db.session.flush()
        patrol = PatrolPlan(site_id=site.id, route_id=route.id, name="矩阵巡更", interval_minutes=120)
        cleaning = CleaningPlan(site_id=site.id, name="矩阵保洁", times_local="08:00", checkpoints=[checkpoint])
        db.session.add_all([patrol, cleaning])
        db.session.commit()
        made[site.id] = {"route": route.id, "template": template.id, "patrol_plan": patrol.id, "cleaning_plan": cleaning.id}
        world.setup_things = made
    person = world.people["guard"] if own_site else world.outsider
    return {"checkpoint": checkpoint.id, "area": checkpoint.area_id, "person": person.id, **made[site.id]}


def _request(client, row: Row, values: dict):
    path = row.path.format_map(values)
    if row.method == "GET":
        return client.get(path)
    token = csrf_from(client.get("/", follow_redirects=True).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, "lang": "zh"})


def _expected(row: Row, role: Role | None, own_site: bool) -> int:
    if row.roles is None:
        return row.ok_signed_in if role is not None and row.ok_signed_in else row.ok
    if role is None:
        return 401 if row.path.startswith("/api/") else 302
    if role not in row.roles:
        return 403
    if row.per_site and not own_site:
        return 404
    return dict(row.ok_for).get(role, row.ok)


@pytest.mark.parametrize("endpoint,n", CASES)
def test_each_role_at_each_site_gets_what_the_table_says(endpoint, n, world, app):
    row = rows_of(endpoint)[n]
    wrong = []
    logins = [None, *(r.value for r in Role)]
    for login in logins:
        role = Role(login) if login else None
        client = app.test_client()
        if login:
            assert sign_in(client, login).status_code == 302
        for own_site in ([True, False] if row.per_site else [True]):
            answer = _request(client, row, world.values(login, own_site, row.path) | _setup_things(world, own_site, row.path))
            expected = _expected(row, role, own_site)
            if answer.status_code != expected:
                wrong.append(f"{login or 'anonymous'} at {'own' if own_site else 'foreign'} site: "
                             f"{answer.status_code}, expected {expected}")
    assert not wrong, f"{endpoint}: " + "; ".join(wrong)


def test_a_guard_of_site_b_never_sees_site_a(world, app):
    client = app.test_client()
    sign_in(client, "guard_b")
    assert client.get(f"/api/v1/sites/{world.site_a.id}/checkpoints").status_code == 404
    listing = client.get(f"/api/v1/sites/{world.site_b.id}/checkpoints").get_json()
    assert [c["code"] for c in listing["checkpoints"]] == ["B01"]
    assert [s["name"] for s in client.get("/api/v1/me").get_json()["sites"]] == ["B 大厦"]


def test_a_lead_of_site_b_cannot_open_site_a(world, app):
    client = app.test_client()
    sign_in(client, "lead_b")
    assert client.get(f"/sites/{world.site_b.id}").status_code == 200
    page = client.get(f"/sites/{world.site_a.id}")
    assert page.status_code == 404 and "属于您未负责的项目" in page.get_data(as_text=True)
    assert "A 小区" not in client.get("/sites/").get_data(as_text=True)


def test_field_staff_never_receive_the_qr_tokens_that_open_scans(world, app):
    for login, sees_tokens in (("guard", False), ("cleaner", False), ("lead", False), ("manager", True), ("admin", True)):
        client = app.test_client()
        sign_in(client, login)
        checkpoints = client.get(f"/api/v1/sites/{world.site_a.id}/checkpoints").get_json()["checkpoints"]
        assert bool(checkpoints[0].get("token")) == sees_tokens, login


def test_a_refused_page_explains_itself_in_the_persons_language(world, app):
    client = app.test_client()
    sign_in(client, "cleaner")
    page = client.get("/admin/audit")
    assert page.status_code == 403 and "您的岗位无权打开此页面" in page.get_data(as_text=True)
    api = client.get(f"/api/v1/sites/{world.site_b.id}/checkpoints")
    assert api.status_code == 404 and api.get_json()["error"] == "not_found"


def test_the_api_answers_401_in_json_to_someone_not_signed_in(world, client):
    answer = client.get("/api/v1/me")
    assert answer.status_code == 401 and answer.get_json() == {"error": "unauthorized", "message": "请先登录。"}
