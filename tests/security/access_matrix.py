"""The walk of the access matrix: its table, requests, preparations and effects.

The test itself is tests/security/test_access_matrix.py, the objects it walks with are in
matrix_world.py, the table it checks is docs/security/access-matrix.md.
"""

import copy
import datetime
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from certifolio.accounts.enums import Role
from certifolio.accounts.models import ApiToken, Invitation, User
from certifolio.exams.domain.scheduling_problem import to_datetime
from certifolio.exams.enums import PlanState
from certifolio.exams.models import (
    Juror,
    Jury,
    Oral,
    PlanRun,
    Registration,
    Room,
    Session,
    SessionJuror,
    Site,
    Tie,
)
from certifolio.portfolio.models import (
    Case,
    Evidence,
    Mapping,
    Portfolio,
    PresentationSupport,
    Submission,
)
from certifolio.referential.models import (
    Block,
    Option,
    ReferentialVersion,
)
from tests.exams.schedule_world import DAY
from tests.factories import candidate, with_totp
from tests.security import (
    matrix_credentials,
    matrix_exams,
    matrix_grading_delib,
    matrix_grading_grid,
    matrix_grading_minutes,
)
from tests.security.matrix_world import (
    Objects,
    World,
    object_named,
    pdf_upload,
)

MATRIX_FILE = Path(__file__).resolve().parents[2] / "docs" / "security" / "access-matrix.md"
ROLES = ["anonymous", "candidate", "juror", "centre_staff", "auditor", "manager"]
LOGIN_PATHS = ("/login/", "/admin/login/")

# The two tables of the matrix, by the heading above each.
OWN, OTHERS = "own", "others"
TABLE_HEADINGS = {"## Own objects": OWN, "## Another person's objects": OTHERS}

# A cell: a status, a redirect with the URL name it leads to, or `login`; a write action
# the role may reach but that must change nothing (a business refusal sent back as a
# redirect) ends with `, unchanged`.
CELL = re.compile(r"(?P<answer>login|\d{3}(?: → [\w:.-]+)?)(?P<unchanged>, unchanged)?")


@dataclass(frozen=True)
class Row:
    key: str
    method: str
    cells: dict[str, str]


def read_matrix() -> dict[str, list[Row]]:
    """The rows of each table of the matrix, checking that every cell is well formed."""
    tables = {OWN: [], OTHERS: []}
    table = None
    for line in MATRIX_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            table = TABLE_HEADINGS.get(line.strip())
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if table is None or len(cells) != 2 + len(ROLES) or not cells[0].startswith("`"):
            continue
        row = Row(cells[0].strip("`"), cells[1], dict(zip(ROLES, cells[2:], strict=True)))
        malformed = [cell for cell in row.cells.values() if not CELL.fullmatch(cell)]
        assert malformed == [], f"cells of {row.key} not in the matrix's format"
        tables[table].append(row)
    return tables


def project_urls() -> list[tuple[str, str, bool]]:
    """(key, route, named) for every URL: its namespaced name, or its route when unnamed."""

    def walk(resolver, namespace, prefix):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern, inner, prefix + str(pattern.pattern))
            else:
                route = prefix + str(pattern.pattern)
                if pattern.name:
                    key = f"{namespace}:{pattern.name}" if namespace else pattern.name
                    yield key, route, True
                else:
                    yield route, route, False

    return list(walk(get_resolver(), None, ""))


def names_an_object(route) -> bool:
    """Whether a URL points at one object by its uuid: it has a row in both tables."""
    return re.search(r"<(?:\w+:)?uuid>", route) is not None


def matrix_row(rows, key):
    return next((row for row in rows if row.key == key), None)


def request_body(key, world, objects):
    """(data, content type) a row's request sends; files are built anew for each request.

    Each body is valid and asks for a change, so that an allowed action really succeeds.
    """
    json_bodies = {
        "api:open_portfolio": {"certification": world.version.certification.slug},
        "api:choose_portfolio_blocks": {"codes": ["BC01", "BC02"]},
        "api:create_case": {"title": "Cas", "kind": "company"},
        "api:update_case": {"revision": 1, "title": "Cas renommé"},
        "api:create_mapping": {
            "criterion": str(objects.criterion.uuid),
            "case": str(objects.case.uuid),
            "justification": "Parce que.",
        },
        "api:create_mappings": {
            "case": str(objects.case.uuid),
            "mappings": [{"criterion": str(objects.criterion.uuid), "justification": "Parce que."}],
        },
        "api:submit_portfolio": {"blocks": ["BC01"], "confirm_uncovered": True},
        "api:plan_session": {"time_limit": 1},
        "api:replan_session": {"time_limit": 1},
        "api:move_oral": {"starts_at": to_datetime(DAY, 10 * 60).isoformat()},
        "api:swap_orals": {"other": str(objects.second_oral.uuid)},
        "api:lock_oral": {"locked": True},
        "api:save_juror": {"person": str(objects.juror.user.uuid), "profession": "DSI"},
        "api:update_juror": {"profession": "DSI"},
        "api:update_own_juror_profile": {"profession": "DSI", "employer": "Acme", "fields": []},
        "api:declare_tie": {"kind": "company", "company": "Acme Bis"},
        "api:enlist_juror": {"juror": str(objects.spare.uuid)},
        "api:withdraw_juror": {"reason": "Malade"},
        "api:set_availability": {
            "half_days": [{"day": objects.session.starts_on.isoformat(), "half_day": "am"}]
        },
        "api:create_jury": {
            "name": "Jury B",
            "members": [
                {"juror": str(objects.free[0].uuid), "role": "president"},
                {"juror": str(objects.free[1].uuid), "role": "member"},
            ],
        },
        "api:propose_juries": {},
        "api:update_jury": {"name": "Jury renommé"},
        "api:create_session": _session_body(world),
        "api:update_session": {"name": "Session renommée"},
        "api:change_session_phase": {"phase": "portfolios"},
        "api:add_site": {"name": "Site B"},
        "api:update_site": {"address": "Place Bellecour, Lyon"},
        "api:add_room": {"name": "B2", "capacity": 4},
        "api:update_room": {"capacity": 9},
        "api:register_candidate": {
            "candidate": str(objects.newcomer.uuid),
            "blocks": ["BC01"],
            "access_route": "continuing",
        },
        "api:update_registration": {"company": "Globex"},
        "api:withdraw_registration": {"reason": "Abandon"},
    }
    json_bodies.update(matrix_grading_delib.json_bodies(objects))
    json_bodies.update(matrix_credentials.json_bodies(objects))
    grading_forms, grading_json = matrix_grading_grid.bodies(objects)
    json_bodies.update(grading_json)
    if key in json_bodies:
        return json.dumps(json_bodies[key]), "application/json"
    if key in grading_forms:
        return grading_forms[key], MULTIPART_CONTENT
    multipart = {
        "web:person_role": {"role": "juror"},
        "web:evidence_upload": {"files": [pdf_upload("autre.pdf", "Une autre ligne.")]},
        "web:support_upload": {"file": pdf_upload("support.pdf", "Un autre support.")},
        "api:add_evidence": {"files": [pdf_upload("autre.pdf", "Une autre ligne.")]},
        "api:upload_support": {"file": pdf_upload("support.pdf", "Un autre support.")},
        "web:session_plan_run": {"time_limit": "1"},
        "web:oral_move": {
            "day": DAY.isoformat(),
            "start": "10:00",
            "jury": str(objects.oral.jury.uuid),
            "room": str(objects.oral.room.uuid),
        },
        "web:oral_swap": {"other": str(objects.second_oral.uuid)},
        "web:oral_lock": {"locked": "on"},
        "web:jury_tie_declare": {"kind": "company", "company": "Acme Bis"},
        "web:juror_tie_declare": {"kind": "company", "company": "Acme Bis"},
        "web:session_phase": {"phase": "portfolios"},
        "web:site_add": {"name": "Site B", "address": "", "practical_details": ""},
        "web:room_add": {"name": "B2", "capacity": "4", "equipment": ""},
        # The own table's newcomer (of Lyon) in both tables: the import is all or nothing.
        "api:import_registrations": {"file": _registrations_csv(world.own.newcomer)},
    }
    multipart.update(matrix_grading_delib.form_bodies(objects))
    multipart.update(matrix_credentials.form_bodies(objects))
    return multipart.get(key, {}), MULTIPART_CONTENT


def _session_body(world) -> dict:
    now = timezone.now()
    return {
        "certification": world.version.certification.slug,
        "name": "Session d’automne",
        "starts_on": (now + datetime.timedelta(days=60)).date().isoformat(),
        "ends_on": (now + datetime.timedelta(days=61)).date().isoformat(),
        "registration_deadline": (now + datetime.timedelta(days=30)).isoformat(),
        "portfolio_deadline": (now + datetime.timedelta(days=40)).isoformat(),
        "blocks": ["BC01"],
    }


def _registrations_csv(person):
    data = f"email;blocs;voie d’accès\n{person.email};BC01;VAE\n".encode("cp1252")
    return SimpleUploadedFile("inscriptions.csv", data, content_type="text/csv")


@dataclass
class Request:
    """What a row's preparation and effect see: the world, the objects, the acting user."""

    world: World
    objects: Objects
    user: User | None
    client: Client


def _without_draft(request):
    # Starting a draft succeeds only where none is open.
    Block.objects.filter(version=request.world.draft).delete()
    Option.objects.filter(version=request.world.draft).delete()
    # (Through a query set: deleting the instance would forget its primary key.)
    ReferentialVersion.objects.filter(pk=request.world.draft.pk).delete()


def _with_second_factor(request):
    # Recovery codes go with a second factor; removing one needs one to remove.
    if request.user is not None and not TOTPDevice.objects.filter(user=request.user).exists():
        device = with_totp(request.user)
        session = request.client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def _without_portfolio(request):
    # Opening a portfolio creates one only for a candidate who has none yet.
    Portfolio.objects.filter(candidate=request.user).update(candidate=candidate())


def _with_lockout(request):
    AccessAttempt.objects.create(
        username=request.objects.person.email,
        ip_address="192.0.2.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/login/",
        failures_since_start=50,
    )


def _published(request):
    # Re-planning works on a published plan.
    Session.objects.filter(pk=request.objects.plan_session.pk).update(
        plan_state=PlanState.PUBLISHED
    )


# Prepared inside the request's savepoint, so that an allowed action has something to do.
SETUP = {
    "api:replan_session": _published,
    "web:version_start_draft": _without_draft,
    "api:start_draft": _without_draft,
    "web:recovery_codes": _with_second_factor,
    "web:two_factor_disable": _with_second_factor,
    "api:open_portfolio": _without_portfolio,
    "web:person_unlock": _with_lockout,
    **matrix_exams.SETUP,
    **matrix_grading_delib.SETUP,
    **matrix_grading_grid.SETUP,
    **matrix_grading_minutes.SETUP,
    **matrix_credentials.SETUP,
}


def _versions(request):
    return ReferentialVersion.objects.filter(
        certification=request.world.version.certification
    ).count()


def _draft_status(request):
    return ReferentialVersion.objects.get(pk=request.world.draft.pk).status


def _exists(attribute):
    def probe(request):
        obj = getattr(request.objects, attribute)
        return type(obj).objects.filter(pk=obj.pk).exists()

    return probe


def _evidence_count(request):
    return Evidence.objects.filter(case=request.objects.case).count()


def _support_files(request):
    return list(
        PresentationSupport.objects.filter(portfolio=request.objects.portfolio).values_list(
            "file_id", flat=True
        )
    )


def _own_devices(request):
    return TOTPDevice.objects.filter(user=request.user).count() if request.user else 0


def _plan_runs(request):
    return PlanRun.objects.filter(session=request.objects.plan_session).count()


def _oral(field):
    def probe(request):
        return getattr(Oral.objects.get(pk=request.objects.oral.pk), field)

    return probe


def _plan_state(request):
    return Session.objects.get(pk=request.objects.plan_session.pk).plan_state


# The observable effect of each write action: the value before the request and after it
# differ when the cell is a success, and are equal when it is a refusal or says
# `, unchanged`. Actions whose effect lives outside the database (logging out) have none.
EFFECT = {
    "web:session_plan_run": _plan_runs,
    "web:session_plan_publish": _plan_state,
    "web:oral_move": _oral("starts_at"),
    "web:oral_swap": _oral("jury_id"),
    "web:oral_lock": _oral("locked"),
    "api:plan_session": _plan_runs,
    "api:replan_session": _plan_runs,
    "api:publish_plan": _plan_state,
    "api:move_oral": _oral("starts_at"),
    "api:swap_orals": _oral("jury_id"),
    "api:lock_oral": _oral("locked"),
    "web:version_start_draft": _versions,
    "api:start_draft": _versions,
    "web:version_publish": _draft_status,
    "api:publish_version": _draft_status,
    "web:recovery_codes": lambda request: (
        sorted(
            StaticToken.objects.filter(device__user=request.user).values_list("token", flat=True)
        )
        if request.user
        else []
    ),
    "web:two_factor_disable": _own_devices,
    "web:token_revoke": lambda request: (
        ApiToken.objects.get(pk=object_named("web:token_revoke", request.objects).pk).revoked_at
    ),
    "web:invitation_revoke": lambda request: (
        Invitation.objects.get(pk=request.objects.invitation.pk).revoked_at
    ),
    "web:person_role": lambda request: User.objects.get(pk=request.objects.person.pk).has_role(
        Role.JUROR
    ),
    "web:person_unlock": lambda request: AccessAttempt.objects.filter(
        username=request.objects.person.email
    ).count(),
    "web:person_two_factor_reset": lambda request: TOTPDevice.objects.filter(
        user=request.objects.person
    ).count(),
    "web:case_delete": _exists("case"),
    "api:delete_case": _exists("case"),
    "web:mapping_delete": _exists("mapping"),
    "api:delete_mapping": _exists("mapping"),
    "web:evidence_delete": _exists("evidence"),
    "api:delete_evidence": _exists("evidence"),
    "web:support_delete": _exists("support"),
    "api:delete_support": _exists("support"),
    "web:evidence_upload": _evidence_count,
    "api:add_evidence": _evidence_count,
    "web:support_upload": _support_files,
    "api:upload_support": _support_files,
    "api:open_portfolio": lambda request: Portfolio.objects.filter(candidate=request.user).count(),
    "api:choose_portfolio_blocks": lambda request: sorted(
        Portfolio.objects.get(pk=request.objects.portfolio.pk).blocks.values_list("code", flat=True)
    ),
    "api:create_case": lambda request: Case.objects.filter(
        portfolio=request.objects.portfolio
    ).count(),
    "api:update_case": lambda request: Case.objects.get(pk=request.objects.case.pk).title,
    "api:create_mapping": lambda request: Mapping.objects.filter(
        portfolio=request.objects.portfolio
    ).count(),
    "api:create_mappings": lambda request: Mapping.objects.filter(
        portfolio=request.objects.portfolio
    ).count(),
    "api:submit_portfolio": lambda request: Submission.objects.filter(
        portfolio=request.objects.portfolio
    ).count(),
    **matrix_exams.EFFECT,
    **matrix_grading_delib.EFFECT,
    **matrix_grading_grid.EFFECT,
    **matrix_grading_minutes.EFFECT,
    **matrix_credentials.EFFECT,
    "api:create_session": lambda request: Session.objects.count(),
    "api:update_session": lambda request: (
        Session.objects.get(pk=request.objects.reg_session.pk).name
    ),
    "web:session_phase": lambda request: (
        Session.objects.get(pk=request.objects.reg_session.pk).phase
    ),
    "api:change_session_phase": lambda request: (
        Session.objects.get(pk=request.objects.reg_session.pk).phase
    ),
    "web:site_add": lambda request: Site.objects.count(),
    "api:add_site": lambda request: Site.objects.count(),
    "api:update_site": lambda request: Site.objects.get(pk=request.objects.site.pk).address,
    "web:site_remove": _exists("site"),
    "api:remove_site": _exists("site"),
    "web:room_add": lambda request: Room.objects.count(),
    "api:add_room": lambda request: Room.objects.count(),
    "api:update_room": lambda request: Room.objects.get(pk=request.objects.room.pk).capacity,
    "web:room_remove": _exists("room"),
    "api:remove_room": _exists("room"),
    "api:register_candidate": lambda request: Registration.objects.count(),
    "api:import_registrations": lambda request: Registration.objects.count(),
    "api:update_registration": lambda request: (
        Registration.objects.get(pk=request.objects.registration.pk).company
    ),
    "api:withdraw_registration": lambda request: (
        Registration.objects.get(pk=request.objects.registration.pk).withdrawn_at
    ),
}


def _ties(request):
    return Tie.objects.count()


def _juries(request):
    return Jury.objects.filter(session=request.objects.session).count()


def _proposed(request):
    return sorted(
        Jury.objects.filter(session=request.objects.session, proposed=True).values_list(
            "pk", flat=True
        )
    )


def _profession(request):
    return Juror.objects.get(pk=request.objects.juror.pk).profession


def _part(request):
    return SessionJuror.objects.get(session=request.objects.session, juror=request.objects.juror)


EFFECT.update(
    {
        "web:jury_tie_declare": _ties,
        "web:juror_tie_declare": _ties,
        "api:declare_tie": _ties,
        "web:jury_tie_remove": _exists("tie"),
        "web:juror_tie_remove": _exists("tie"),
        "api:remove_tie": _exists("tie"),
        "api:save_juror": _profession,
        "api:update_juror": _profession,
        "api:update_own_juror_profile": _profession,
        "api:enlist_juror": lambda request: request.objects.session.session_jurors.count(),
        "api:withdraw_juror": lambda request: _part(request).withdrawn_at,
        "api:set_availability": lambda request: sorted(
            _part(request).availabilities.values_list("day", "half_day")
        ),
        "web:juries_propose": _proposed,
        "api:propose_juries": _proposed,
        "api:create_jury": _juries,
        "web:jury_remove": _exists("jury"),
        "api:remove_jury": _exists("jury"),
        "api:update_jury": lambda request: Jury.objects.get(pk=request.objects.jury.pk).name,
    }
)


def answer_of(response) -> str:
    """A response written the way the matrix writes cells."""
    if response.status_code in (301, 302):
        path = urlsplit(response["Location"]).path
        if path.startswith(LOGIN_PATHS):
            return "login"
        try:
            target = resolve(path).view_name
        except Resolver404:
            target = path
        return f"{response.status_code} → {target}"
    return str(response.status_code)


def ask(world, logged_in, role_name, key, route, named, method, objects):
    """Send one row's request in a rolled-back savepoint: (url, answer, effect problem).

    ``logged_in`` is the role's client, logged in once. The savepoint puts its session
    back and its cookies are put back after the request, so that logging out or a message
    left behind never reaches the next request. (One client for all: a new one would load
    the middleware again, and WhiteNoise reads every static file when it starts.)
    """
    client = logged_in
    cookies = copy.deepcopy(client.cookies)
    request = Request(world, objects, world.users[role_name], client)
    url = world.url(key, route, named, objects)
    effect = EFFECT.get(key)
    with transaction.atomic():
        if key in SETUP:
            SETUP[key](request)
        before = effect(request) if effect else None
        if method == "GET":
            response = client.get(url)
        else:
            data, content_type = request_body(key, world, objects)
            if content_type == MULTIPART_CONTENT and method != "POST":
                data = encode_multipart(BOUNDARY, data)  # only POST encodes it itself
            response = getattr(client, method.lower())(url, data, content_type=content_type)
        after = effect(request) if effect else None
        transaction.set_rollback(True)
    if response.streaming:
        # Read downloads to the end: that closes their file the way the test client
        # expects (a second close() would end the database connection).
        b"".join(response.streaming_content)
    client.cookies = cookies
    return url, answer_of(response), (before, after)


def check(row, role_name, url, answer, effect):
    """What is wrong with one answer, or None."""
    expected = CELL.fullmatch(row.cells[role_name])
    if answer != expected["answer"]:
        return f"matrix says {row.cells[role_name]}, got {answer}"
    if row.key not in EFFECT:
        return None
    before, after = effect
    if row.method == "GET":
        # A page that asks before acting (a removal's confirmation) must change nothing.
        return None if before == after else f"GET changed {before!r} into {after!r}"
    succeeded = answer[0] in "23" and not expected["unchanged"]
    if succeeded and before == after:
        return f"answered {answer} but changed nothing ({before!r})"
    if not succeeded and before != after:
        return f"answered {answer} but changed {before!r} into {after!r}"
    return None
