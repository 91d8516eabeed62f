"""Every URL of the project, for every role, against docs/security/access-matrix.md.

The test walks the URL configuration itself: a URL added without a row in the matrix
fails it, and so does a row whose outcome the code no longer gives. Each request runs in
a savepoint that is rolled back, so one URL's changes never affect another's outcome.
"""

import fnmatch
import json
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY

from certifolio.accounts.domain import invitations, tokens
from certifolio.accounts.enums import Role
from certifolio.accounts.models import Organisation, User
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
from certifolio.referential.domain.versions import start_draft
from certifolio.referential.models import (
    Block,
    Certification,
    Competency,
    Criterion,
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


def read_matrix() -> list[tuple[str, str, dict[str, str]]]:
    """Rows of the matrix: (URL pattern, method, {role: outcome})."""
    rows = []
    for line in MATRIX_FILE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 + len(ROLES) or not cells[0].startswith("`"):
            continue
        rows.append((cells[0].strip("`"), cells[1], dict(zip(ROLES, cells[2:], strict=True))))
    return rows


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


def matrix_row(rows, key):
    """The exact row for ``key``, else the first wildcard row that matches it."""
    for pattern, method, outcomes in rows:
        if pattern == key:
            return method, outcomes
    for pattern, method, outcomes in rows:
        if "*" in pattern and fnmatch.fnmatchcase(key, pattern):
            return method, outcomes
    return None


class World:
    """The objects the URLs point at, made once per test."""

    def __init__(self, seed_version):
        self.version = seed_version
        self.draft = start_draft(seed_version.certification, actor=None)
        lyon = OrganisationFactory(name="Lyon")
        self.users = {"anonymous": None}
        for role_name, role in ROLE_OF.items():
            organisation = lyon if role in (Role.CANDIDATE, Role.CENTRE_STAFF) else None
            user = UserFactory(
                roles=[role], organisation=organisation, is_staff=role == Role.MANAGER
            )
            self.users[role_name] = user
        # Another candidate of the same centre: the person pages point at him.
        self.person = candidate(lyon)
        self.invitation, link = invitations.create_invitation(
            "invitee@example.org", actor=self.users["manager"], roles=["juror"]
        )
        self.invitation_token = link.rstrip("/").rsplit("/", 1)[1]
        self.event = record_event("test.event", obj=self.person)
        self._portfolio(seed_version, self.users["candidate"])
        self.tokens = {
            name: tokens.create_token(user, name="t", scopes=["read", "write"], actor=user)[0]
            for name, user in self.users.items()
            if user is not None
        }

    def _portfolio(self, version, owner):
        """The candidate account's portfolio, with one of everything in it."""
        block = Block.objects.get(version=version, code="BC01")
        self.portfolio, _created = open_portfolio(owner, version=version, actor=owner)
        choose_blocks(self.portfolio, blocks=[block], actor=owner)
        self.case = create_case(self.portfolio, actor=owner, title="Cas", kind=CaseKind.COMPANY)
        self.evidence = add_evidence(self.case, upload=pdf_upload("plan.pdf"), actor=owner)
        self.criterion = Criterion.objects.filter(version=version, competency__block=block).first()
        self.mapping, _created = map_to_criterion(
            self.portfolio,
            criterion=self.criterion,
            evidence=self.evidence,
            justification="Parce que.",
            actor=owner,
        )
        self.support = set_presentation_support(
            self.portfolio, block=block, upload=pdf_upload("slides.pdf"), actor=owner
        )
        self.submission = submit_portfolio(
            self.portfolio, blocks=[block], actor=owner, confirm_uncovered=True
        )

    def url(self, key, route, named, role_name):
        if named:
            return reverse(key, kwargs=self.kwargs(key, route, role_name))
        # An unnamed route (the admin's own redirects): fill its parameters by hand.
        route = route.rstrip("$").replace("(?P<url>.*)", "referential/")
        return "/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m: str(self.value(key, route, m[1], role_name)), route
        )

    def kwargs(self, key, route, role_name):
        values = {}
        for name in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route):
            name = next(part for part in name if part)
            values[name] = self.value(key, route, name, role_name)
        return values

    def value(self, key, route, name, role_name):
        if name == "slug":
            return self.version.certification.slug
        if name == "code":
            return "C1.1" if "competenc" in key else "BC01"
        if name == "number":
            return self.draft.number
        if name == "uuid" and key in UUID_OF:
            return getattr(self, UUID_OF[key]).uuid
        if name == "uuid":
            if "token" in key:
                token = self.tokens.get(role_name) or self.tokens["candidate"]
                return token.uuid
            if "invitation" in key:
                return self.invitation.uuid
            if "audit" in key:
                return self.event.uuid
            return self.person.uuid
        if name == "token" and "invitation" in key:
            return self.invitation_token
        if name == "uidb64":
            return urlsafe_base64_encode(force_bytes(self.person.pk))
        if name == "token":
            return default_token_generator.make_token(self.person)
        if name == "action":
            return "grant"
        if name == "app_label":
            return "referential"
        if name == "id":
            return self.person.pk
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


def outcome_of(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        return "login" if location.startswith(LOGIN_PATHS) else "yes"
    if response.status_code in (401, 403, 404):
        return "no"
    if response.status_code in (405, 429) or response.status_code >= 500:
        return f"error {response.status_code}"
    return "yes"


def client_for(world, role_name) -> Client:
    client = Client()
    user = world.users[role_name]
    if user is not None:
        client.force_login(user)
        if user.has_role(Role.MANAGER) or user.has_role(Role.JUROR):
            device = with_totp(user)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return client


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
            "api:create_mappings",
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


def pdf_upload(name):
    return SimpleUploadedFile(name, minimal_pdf("Pièce", ["Une ligne."]))


def request_body(key, world):
    """(data, content type) a row's request sends; files are built anew for each request."""
    json_bodies = {
        "api:open_portfolio": {"certification": world.version.certification.slug},
        "api:choose_portfolio_blocks": {"codes": ["BC01"]},
        "api:create_case": {"title": "Cas", "kind": "company"},
        "api:update_case": {"revision": 1, "title": "Cas"},
        "api:create_mapping": {
            "criterion": str(world.criterion.uuid),
            "case": str(world.case.uuid),
            "justification": "Parce que.",
        },
        "api:create_mappings": {
            "case": str(world.case.uuid),
            "mappings": [{"criterion": str(world.criterion.uuid), "justification": "Parce que."}],
        },
        "api:submit_portfolio": {"blocks": ["BC01"], "confirm_uncovered": True},
    }
    if key in json_bodies:
        return json.dumps(json_bodies[key]), "application/json"
    multipart = {
        "web:person_role": {"role": "juror"},
        "web:evidence_upload": {"files": [pdf_upload("autre.pdf")]},
        "web:support_upload": {"file": pdf_upload("support.pdf")},
        "api:add_evidence": {"files": [pdf_upload("autre.pdf")]},
        "api:upload_support": {"file": pdf_upload("support.pdf")},
    }
    return multipart.get(key, {}), MULTIPART_CONTENT


# Set to print every outcome (to review the matrix after adding URLs): MATRIX_DUMP=1.
DUMP = bool(os.environ.get("MATRIX_DUMP"))


@pytest.mark.parametrize("role_name", ROLES)
def test_every_url_answers_each_role_as_the_matrix_says(role_name, seed_version):
    world = World(seed_version)
    rows = read_matrix()
    wrong = []
    unlisted = unlisted_urls(rows)
    for key, route, named in project_urls():
        row = matrix_row(rows, key)
        if row is None:
            continue
        method, outcomes = row
        url = world.url(key, route, named, role_name)
        client = client_for(world, role_name)
        with transaction.atomic():
            if method == "GET":
                response = client.get(url)
            else:
                data, content_type = request_body(key, world)
                if content_type == MULTIPART_CONTENT and method != "POST":
                    data = encode_multipart(BOUNDARY, data)  # only POST encodes it itself
                response = getattr(client, method.lower())(url, data, content_type=content_type)
            transaction.set_rollback(True)
        if response.streaming:
            # Read downloads to the end: that closes their file the way the test client
            # expects (a second close() would end the database connection).
            b"".join(response.streaming_content)
        got = outcome_of(response)
        if DUMP:
            print(f"DUMP|{key}|{method}|{role_name}|{got}|{response.status_code}")
        if got != outcomes[role_name]:
            wrong.append(
                f"{method} {key} ({url}): matrix says {outcomes[role_name]}, got {got}"
                f" [{response.status_code}]"
            )

    assert unlisted == [], "URLs without a row in docs/security/access-matrix.md"
    assert wrong == []


def test_matrix_has_no_row_for_a_url_that_does_not_exist():
    keys = [key for key, _route, _named in project_urls()]

    stale = [
        pattern
        for pattern, _method, _outcomes in read_matrix()
        if not any(fnmatch.fnmatchcase(key, pattern) for key in keys)
    ]

    assert stale == []


def unlisted_urls(rows) -> list[str]:
    return [key for key, _route, _named in project_urls() if matrix_row(rows, key) is None]


@pytest.mark.urls("tests.security.urls_with_an_extra_page")
def test_a_url_added_without_a_row_is_caught():
    assert unlisted_urls(read_matrix()) == ["an_unlisted_page"]
