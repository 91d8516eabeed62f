"""Every URL of the project, for every role, against docs/security/access-matrix.md.

The test walks the URL configuration itself: a URL added without a row in the matrix
fails it, and so does a row whose outcome the code no longer gives. Each URL is asked
for with the role's own objects and, where it names an object, with another person's.
Each request runs in a savepoint that is rolled back, so one URL's changes never affect
another's outcome; inside it, a row's preparation runs before the request and the write
actions' effects are checked after it.
"""

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from certifolio.accounts.domain import invitations, tokens
from certifolio.accounts.enums import Role
from certifolio.accounts.models import ApiToken, Invitation, Organisation, User
from certifolio.common.audit import record_event
from certifolio.demo.files import minimal_pdf
from certifolio.portfolio.domain.cases import (
    choose_blocks,
    create_case,
    map_to_criterion,
    open_portfolio,
)
from certifolio.portfolio.domain.evidence import add_evidence, set_presentation_support
from certifolio.portfolio.domain.submission import submit_portfolio
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import (
    Case,
    Evidence,
    Mapping,
    Portfolio,
    PresentationSupport,
    Submission,
)
from certifolio.referential import domain
from certifolio.referential.models import (
    Block,
    Certification,
    Competency,
    Criterion,
    Option,
    ReferentialVersion,
)
from tests.factories import OrganisationFactory, UserFactory, candidate, with_totp

MATRIX_FILE = Path(__file__).resolve().parents[2] / "docs" / "security" / "access-matrix.md"
ROLES = ["anonymous", "candidate", "juror", "centre_staff", "auditor", "manager"]
ROLE_OF = {
    "candidate": Role.CANDIDATE,
    "juror": Role.JUROR,
    "centre_staff": Role.CENTRE_STAFF,
    "auditor": Role.AUDITOR,
    "manager": Role.MANAGER,
}
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


@dataclass
class Objects:
    """One person's objects, as the URLs and request bodies name them."""

    portfolio: Portfolio
    case: Case
    evidence: Evidence
    mapping: Mapping
    support: PresentationSupport
    submission: Submission
    criterion: Criterion
    person: User
    token: ApiToken
    invitation: Invitation
    event: object


class World:
    """The objects the URLs point at, made once per test (one role per test).

    ``own`` holds the role's own objects: the candidate account's portfolio, the other
    candidate of the centre (for the person pages) and the role's own API token.
    ``others`` holds the same kinds of object belonging to someone else: for the
    candidate, the portfolio of the other candidate of his centre; for everyone else,
    that of a candidate of another centre; a candidate of another centre for the person
    pages; another user's token, another manager's invitation, an event about another
    person.
    """

    def __init__(self, seed_version, role_name):
        self.version = seed_version
        self.draft = domain.start_draft(seed_version.certification)
        self.block = Block.objects.get(version=seed_version, code="BC01")
        lyon = OrganisationFactory(name="Lyon")
        paris = OrganisationFactory(name="Paris")
        self.users = {"anonymous": None}
        for role_name_, role in ROLE_OF.items():
            organisation = lyon if role in (Role.CANDIDATE, Role.CENTRE_STAFF) else None
            self.users[role_name_] = UserFactory(
                roles=[role], organisation=organisation, is_staff=role == Role.MANAGER
            )
        # Another candidate of the same centre: the person pages point at him.
        neighbour = candidate(lyon)
        # Somebody the person pages can act on: a second factor to reset, a lockout to lift.
        with_totp(neighbour)
        stranger = candidate(paris)
        with_totp(stranger)
        other_manager = UserFactory(roles=[Role.MANAGER], is_staff=True)
        # Managers and jurors have given their second factor.
        self.devices = {name: with_totp(self.users[name]) for name in ("juror", "manager")}
        # The anonymous visitor has no token: he tries the candidate's.
        token_owner = self.users.get(role_name) or self.users["candidate"]
        own_token = tokens.create_token(token_owner, name="t", scopes=["read", "write"])[0]
        self.own = Objects(
            **self._portfolio(self.users["candidate"]),
            person=neighbour,
            token=own_token,
            invitation=self._invitation("invitee@example.org", self.users["manager"]),
            event=record_event("test.event", obj=neighbour),
        )
        other_owner = neighbour if role_name == "candidate" else stranger
        self.others = Objects(
            **self._portfolio(other_owner),
            person=stranger,
            token=tokens.create_token(other_owner, name="t", scopes=["read", "write"])[0],
            invitation=self._invitation("other-invitee@example.org", other_manager),
            event=record_event("test.event", obj=stranger),
        )
        self.invitation_token = self.own.invitation.token_for_link

    def _invitation(self, email, manager):
        invitation, link = invitations.create_invitation(email, invited_by=manager, roles=["juror"])
        invitation.token_for_link = link.rstrip("/").rsplit("/", 1)[1]
        return invitation

    def _portfolio(self, owner):
        """``owner``'s portfolio, with one of everything in it."""
        portfolio = open_portfolio(owner, version=self.version)
        choose_blocks(portfolio, blocks=[self.block], actor=owner)
        case = create_case(portfolio, actor=owner, title="Cas", kind=CaseKind.COMPANY)
        evidence = add_evidence(case, upload=pdf_upload("plan.pdf"), actor=owner)
        criterion = Criterion.objects.filter(
            version=self.version, competency__block=self.block
        ).first()
        mapping = map_to_criterion(
            portfolio,
            criterion=criterion,
            evidence=evidence,
            justification="Parce que.",
            actor=owner,
        )
        support = set_presentation_support(
            portfolio, block=self.block, upload=pdf_upload("slides.pdf"), actor=owner
        )
        submission = submit_portfolio(
            portfolio, blocks=[self.block], actor=owner, confirm_uncovered=True
        )
        return {
            "portfolio": portfolio,
            "case": case,
            "evidence": evidence,
            "mapping": mapping,
            "support": support,
            "submission": submission,
            "criterion": criterion,
        }

    def url(self, key, route, named, objects):
        if named:
            return reverse(key, kwargs=self.kwargs(key, route, objects))
        # An unnamed route (the admin's own redirects): fill its parameters by hand.
        route = route.rstrip("$").replace("(?P<url>.*)", "referential/")
        return "/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m: str(self.value(key, route, m[1], objects)), route
        )

    def kwargs(self, key, route, objects):
        values = {}
        for name in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route):
            name = next(part for part in name if part)
            values[name] = self.value(key, route, name, objects)
        return values

    def value(self, key, route, name, objects):
        if name == "slug":
            return self.version.certification.slug
        if name == "code":
            return "C1.1" if "competenc" in key else "BC01"
        if name == "number":
            return self.draft.number
        if name == "uuid":
            return object_named(key, objects).uuid
        if name == "token" and "invitation" in key:
            return self.invitation_token
        if name == "uidb64":
            return urlsafe_base64_encode(force_bytes(self.own.person.pk))
        if name == "token":
            return default_token_generator.make_token(self.own.person)
        if name == "action":
            return "grant"
        if name == "app_label":
            return "referential"
        if name == "id":
            return self.own.person.pk
        if name in ("object_id", "pk"):
            return str(self.admin_object(route).pk)
        if name == "content_type_id":
            return ContentType.objects.get_for_model(Certification).pk
        if name == "url":
            return "referential/"
        raise AssertionError(f"no sample value for <{name}> in {key}")

    def admin_object(self, route):
        models = {
            "certification": Certification,
            "referentialversion": ReferentialVersion,
            "block": Block,
            "competency": Competency,
            "organisation": Organisation,
            "user": User,
        }
        match = re.search(r"admin/\w+/(\w+)/", route)
        model = models.get(match[1]) if match else None
        if model is None:
            return self.users["manager"]
        if model in (Block, Competency):
            return model.objects.filter(version=self.draft).first()
        if model is ReferentialVersion:
            return self.draft
        return model.objects.first()


# Which object a URL's <uuid> names, where its name does not say it.
UUID_OF = {
    **dict.fromkeys(
        [
            "web:portfolio",
            "web:coverage",
            "web:supports",
            "web:case_create",
            "web:portfolio_submit",
            "web:submissions",
            "web:portfolio_pdf",
            "web:support_upload",
            "api:get_portfolio",
            "api:choose_portfolio_blocks",
            "api:list_cases",
            "api:create_case",
            "api:list_mappings",
            "api:create_mapping",
            "api:get_coverage",
            "api:upload_support",
            "api:list_submissions",
            "api:submit_portfolio",
        ],
        "portfolio",
    ),
    **dict.fromkeys(
        [
            "web:case",
            "web:case_delete",
            "web:mapping",
            "web:evidence_upload",
            "api:get_case",
            "api:update_case",
            "api:delete_case",
            "api:add_evidence",
        ],
        "case",
    ),
    **dict.fromkeys(
        [
            "web:evidence_download",
            "web:evidence_delete",
            "api:get_evidence",
            "api:download_evidence",
            "api:delete_evidence",
        ],
        "evidence",
    ),
    **dict.fromkeys(["web:mapping_delete", "api:delete_mapping"], "mapping"),
    **dict.fromkeys(
        [
            "web:support_download",
            "web:support_delete",
            "api:download_support",
            "api:delete_support",
        ],
        "support",
    ),
    **dict.fromkeys(["web:submission_zip", "api:download_submission_snapshot"], "submission"),
}


def object_named(key, objects):
    if key in UUID_OF:
        return getattr(objects, UUID_OF[key])
    if "token" in key:
        return objects.token
    if "invitation" in key:
        return objects.invitation
    if "audit" in key:
        return objects.event
    return objects.person


def pdf_upload(name, line="Une ligne."):
    return SimpleUploadedFile(name, minimal_pdf("Pièce", [line]))


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
        "api:submit_portfolio": {"blocks": ["BC01"], "confirm_uncovered": True},
    }
    if key in json_bodies:
        return json.dumps(json_bodies[key]), "application/json"
    multipart = {
        "web:person_role": {"role": "juror"},
        "web:evidence_upload": {"files": [pdf_upload("autre.pdf", "Une autre ligne.")]},
        "web:support_upload": {"file": pdf_upload("support.pdf", "Un autre support.")},
        "api:add_evidence": {"files": [pdf_upload("autre.pdf", "Une autre ligne.")]},
        "api:upload_support": {"file": pdf_upload("support.pdf", "Un autre support.")},
    }
    return multipart.get(key, {}), MULTIPART_CONTENT


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


# Prepared inside the request's savepoint, so that an allowed action has something to do.
SETUP = {
    "web:version_start_draft": _without_draft,
    "api:start_draft": _without_draft,
    "web:recovery_codes": _with_second_factor,
    "web:two_factor_disable": _with_second_factor,
    "api:open_portfolio": _without_portfolio,
    "web:person_unlock": _with_lockout,
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


# The observable effect of each write action: the value before the request and after it
# differ when the cell is a success, and are equal when it is a refusal or says
# `, unchanged`. Actions whose effect lives outside the database (logging out) have none.
EFFECT = {
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
    "api:submit_portfolio": lambda request: Submission.objects.filter(
        portfolio=request.objects.portfolio
    ).count(),
}


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


def client_for(world, role_name) -> Client:
    client = Client()
    user = world.users[role_name]
    if user is not None:
        client.force_login(user)
        if role_name in world.devices:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = world.devices[role_name].persistent_id
            session.save()
    return client


def ask(world, role_name, key, route, named, method, objects):
    """Send one row's request in a rolled-back savepoint: (url, answer, effect problem)."""
    # A client of its own for each request: logging out must not end the next one's session.
    client = client_for(world, role_name)
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
    return url, answer_of(response), (before, after)


def check(row, role_name, url, answer, effect):
    """What is wrong with one answer, or None."""
    expected = CELL.fullmatch(row.cells[role_name])
    if answer != expected["answer"]:
        return f"matrix says {row.cells[role_name]}, got {answer}"
    if row.key not in EFFECT:
        return None
    before, after = effect
    succeeded = answer[0] in "23" and not expected["unchanged"]
    if succeeded and before == after:
        return f"answered {answer} but changed nothing ({before!r})"
    if not succeeded and before != after:
        return f"answered {answer} but changed {before!r} into {after!r}"
    return None


# Set to print every answer (to review the matrix after adding URLs): MATRIX_DUMP=1.
DUMP = bool(os.environ.get("MATRIX_DUMP"))


@pytest.mark.parametrize("role_name", ROLES)
def test_every_url_answers_each_role_as_the_matrix_says(role_name, seed_version):
    world = World(seed_version, role_name)
    tables = read_matrix()
    unlisted = unlisted_urls(tables)
    wrong = []

    for key, route, named in project_urls():
        for table, objects in ((OWN, world.own), (OTHERS, world.others)):
            row = matrix_row(tables[table], key)
            if row is None:
                continue
            url, answer, effect = ask(world, role_name, key, route, named, row.method, objects)
            problem = check(row, role_name, url, answer, effect)
            if DUMP:
                print(f"DUMP|{table}|{key}|{row.method}|{role_name}|{answer}|{effect}")
            if problem:
                wrong.append(f"{row.method} {key} ({url}, {table} objects): {problem}")

    assert unlisted == [], "URLs without a row in docs/security/access-matrix.md"
    assert wrong == []


def test_matrix_has_no_row_for_a_url_that_does_not_exist():
    keys = {key for key, _route, _named in project_urls()}

    stale = [row.key for rows in read_matrix().values() for row in rows if row.key not in keys]

    assert stale == []


def unlisted_urls(tables) -> list[str]:
    """URLs without their row: every URL in the first table, object URLs in both."""
    missing = []
    for key, route, _named in project_urls():
        if matrix_row(tables[OWN], key) is None:
            missing.append(key)
        if names_an_object(route) and matrix_row(tables[OTHERS], key) is None:
            missing.append(f"{key} (another person's objects)")
    return missing


@pytest.mark.urls("tests.security.urls_with_an_extra_page")
def test_a_url_added_without_a_row_is_caught():
    assert unlisted_urls(read_matrix()) == ["an_unlisted_page"]


@pytest.mark.urls("tests.security.urls_with_an_extra_object_page")
def test_an_object_url_added_without_its_rows_is_caught():
    assert unlisted_urls(read_matrix()) == [
        "an_unlisted_object_page",
        "an_unlisted_object_page (another person's objects)",
    ]
