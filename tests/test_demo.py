"""`flask demo` builds a realistic company once, however often it runs, with a week of true troubles in it."""
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tests.conftest import FIXED_NOW, csrf_from
from webapp.demo import ACCOUNTS, build
from webapp.domain.timezones import to_local, zone
from webapp.extensions import db
from webapp.models import (
    Base,
    Checkpoint,
    CleaningCheck,
    CleaningResult,
    PatrolPlan,
    Person,
    Role,
    Route,
    RouteStop,
    Scan,
    Shift,
    Site,
)
from webapp.plans import due_in_shift

SHANGHAI = zone("Asia/Shanghai")


def _counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def test_running_the_demo_twice_adds_nothing(app):
    build(FIXED_NOW)
    first = _counts()
    build(FIXED_NOW)
    assert _counts() == first
    assert first["scan"] > 500 and first["cleaning_check"] > 50


def test_running_it_later_only_adds_what_happened_since(app):
    build(FIXED_NOW)
    before = _counts()
    build(FIXED_NOW + timedelta(hours=4))
    after = _counts()
    assert after["checkpoint"] == before["checkpoint"] and after["person"] == before["person"]
    assert after["scan"] > before["scan"]  # the 13:00 round, walked since
    assert after["cleaning_check"] > before["cleaning_check"]  # the 10:00 stairwell checks
    uuids = db.session.scalars(select(Scan.client_uuid)).all()
    assert len(uuids) == len(set(uuids))


def test_the_demo_site_is_a_real_residential_site(app):
    build(FIXED_NOW)
    site = db.session.scalar(select(Site).where(Site.code == "CHG"))
    checkpoints = db.session.scalars(select(Checkpoint).where(Checkpoint.site_id == site.id)).all()
    names = " ".join(c.name for c in checkpoints)
    assert len(checkpoints) >= 30
    for place in ("水泵房", "配电房", "北门", "屋面", "大堂", "电梯轿厢", "楼梯", "车库"):
        assert place in names, place
    assert len({c.token for c in checkpoints}) == len(checkpoints)
    assert all(len(c.token) >= 20 and not c.token.isdigit() for c in checkpoints)
    routes = db.session.scalars(select(Route).where(Route.site_id == site.id)).all()
    assert len(routes) == 2 and all(len(r.stops) >= 10 for r in routes)
    assert {p.interval_minutes for p in db.session.scalars(select(PatrolPlan).where(PatrolPlan.site_id == site.id))} == {120, None}
    assert sum(len(c.checklist) for c in checkpoints) > 40


def test_there_is_one_account_per_role_and_each_can_sign_in(app):
    accounts = build(FIXED_NOW)
    assert {role for _login, _password, role in accounts} == {r.value for r in Role}
    for login, password, _role in accounts:
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        answer = client.post("/login", data={"login": login, "password": password, "csrf_token": csrf_from(page)})
        assert answer.status_code == 302, login
        assert client.get(answer.headers["Location"]).status_code == 200, login
    assert len(accounts) == len(ACCOUNTS)


def _rounds_of(shift: Shift) -> list[tuple[str, set[str], object]]:
    """(local opening time, checkpoint codes visited, first scan) for each round due in the shift."""
    result = []
    scans = db.session.scalars(select(Scan).where(Scan.shift_id == shift.id).options(selectinload(Scan.checkpoint))).all()
    for plan in db.session.scalars(select(PatrolPlan).where(PatrolPlan.shift_template_id == shift.template_id)):
        for due in due_in_shift(plan, shift):
            inside = [s for s in scans if due.opens_at <= s.captured_at <= due.opens_at + timedelta(minutes=110)]
            result.append((to_local(due.opens_at, SHANGHAI).strftime("%H:%M"), {s.checkpoint.code for s in inside},
                           min((s.captured_at for s in inside), default=None), due))
    return result


def _shift(name: str, days_ago: int) -> Shift:
    today = to_local(FIXED_NOW, SHANGHAI).date()
    return db.session.scalar(select(Shift).join(Shift.template).join(Shift.site)
                             .where(Site.code == "CHG", Shift.template.has(name=name),
                                    Shift.local_date == today - timedelta(days=days_ago)))


def test_the_week_holds_a_missed_checkpoint_a_late_round_and_a_failed_cleaning_item(app):
    build(FIXED_NOW)
    night = {at: codes for at, codes, _first, _due in _rounds_of(_shift("夜班", 2))}
    assert "P01" not in night["02:00"] and "P02" in night["02:00"]  # the pump room was skipped on that round
    assert "P01" in night["04:00"]
    day = {at: (first, due) for at, _codes, first, due in _rounds_of(_shift("白班", 3))}
    first, due = day["13:00"]
    assert due.state(first, FIXED_NOW) == "late"
    failed = db.session.execute(select(CleaningCheck, CleaningResult).join(CleaningResult)
                                .where(CleaningResult.passed.is_(False))).all()
    assert any("水渍" in result.note for _check, result in failed)
    assert db.session.scalar(select(func.count()).select_from(Person).where(Person.active)) == len(ACCOUNTS)


def test_stops_of_a_route_have_plausible_walking_times(app):
    build(FIXED_NOW)
    stops = db.session.scalars(select(RouteStop).order_by(RouteStop.route_id, RouteStop.position)).all()
    assert all(s.min_walk_minutes == 0 for s in stops if s.position == 0)
    assert all(0 < s.min_walk_minutes <= 10 for s in stops if s.position > 0)


def test_cuihu_has_plant_rooms_read_all_week_and_one_high_pressure_opened_a_work_order(app):
    from webapp.models import Equipment, MaintenanceTask, Reading, WorkOrder

    build(FIXED_NOW)
    names = set(db.session.scalars(select(Equipment.name)))
    assert {"1号生活水泵", "1号变压器", "消防喷淋泵", "1号楼电梯"} <= names
    assert db.session.scalar(select(func.count()).select_from(Reading)) > 100
    (abnormal,) = db.session.scalars(select(Reading).where(Reading.out_of_range)).all()
    assert abnormal.value_text == "0.72" and abnormal.note
    order = db.session.get(WorkOrder, abnormal.work_order_id)
    assert "2号生活水泵" in order.description and "0.3–0.6 MPa" in order.description
    assert {"消防泵月度试泵", "电梯半月保养"} <= set(db.session.scalars(select(MaintenanceTask.name)))
