"""What the portfolio endpoints' tests share: requests, files, the world, the endpoints."""

import json
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from certifolio.accounts.domain.tokens import create_token
from certifolio.common.models import AuditEvent
from certifolio.portfolio.models import Case, Evidence, Mapping, Portfolio, Submission
from certifolio.referential.models import Block, Criterion

API = "/api/v1"
SLUG = "expert-ingenierie-informatique"
# Requests in English keep the messages independent of the French catalogue.
ENGLISH = {"accept-language": "en"}
NOT_FOUND = {"detail": "Not found."}
NEEDS_LOGIN = {"detail": "Authentication required: log in or send a personal API token."}
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SLIDES = b"%PDF-1.7\n% slides\n%%EOF\n"


def pdf(name="plan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def text(name="notes.txt", content="Notes de réunion\n"):
    return SimpleUploadedFile(name, content.encode(), content_type="text/plain")


def bearer(user, *scopes):
    _token, raw = create_token(
        user, name="Script", scopes=list(scopes or ["read", "write"]), actor=user
    )
    return {**ENGLISH, "authorization": f"Bearer {raw}"}


def portfolio_events():
    return list(
        AuditEvent.objects.filter(action__startswith="portfolio.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def call(client, method, path, *, body=None, files=None, headers=ENGLISH):
    """Send ``body`` as JSON, or ``files`` (a dict of fields) as multipart, whatever the method.

    A file's answer is read whole into ``response.data``, which closes the file.
    """
    url = API + path
    send = getattr(client, method)
    if files is not None and method == "post":
        response = send(url, files, headers=headers)
    elif files is not None:
        data = encode_multipart(BOUNDARY, files)
        response = send(url, data, content_type=MULTIPART_CONTENT, headers=headers)
    elif body is not None:
        response = send(url, json.dumps(body), content_type="application/json", headers=headers)
    else:
        response = send(url, headers=headers)
    if response.streaming:
        response.data = b"".join(response.streaming_content)
    return response


@dataclass
class World:
    """A candidate of the Lyon centre and his portfolio, filled in, and the other roles."""

    version: Any
    owner: Any
    portfolio: Portfolio
    block: Block
    criterion: Criterion
    case: Case
    evidence: Evidence
    mapping: Mapping
    support: Any
    submission: Submission
    users: dict


def first_criterion(block):
    return (
        Criterion.objects.filter(competency__block=block)
        .order_by("competency__order", "order")
        .first()
    )


# Every endpoint on the world's objects: (name, method, path, JSON body, multipart fields,
# success status for the owner). Bodies and files are built per request.


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: Any
    body: Any = None
    files: Any = None
    ok: int = 200

    @property
    def writes(self) -> bool:
        return self.method != "get"

    def send(self, client, world, headers=ENGLISH):
        return call(
            client,
            self.method,
            self.path(world),
            body=self.body(world) if self.body else None,
            files=self.files(world) if self.files else None,
            headers=headers,
        )


ENDPOINTS = [
    Endpoint("get_portfolio", "get", lambda w: f"/portfolios/{w.portfolio.uuid}"),
    Endpoint(
        "choose_portfolio_blocks",
        "put",
        lambda w: f"/portfolios/{w.portfolio.uuid}/blocks",
        body=lambda w: {"codes": ["BC01", "BC02"]},
    ),
    Endpoint("list_cases", "get", lambda w: f"/portfolios/{w.portfolio.uuid}/cases"),
    Endpoint(
        "create_case",
        "post",
        lambda w: f"/portfolios/{w.portfolio.uuid}/cases",
        body=lambda w: {"title": "Audit", "kind": "real_study"},
        ok=201,
    ),
    Endpoint("get_case", "get", lambda w: f"/cases/{w.case.uuid}"),
    Endpoint(
        "update_case",
        "patch",
        lambda w: f"/cases/{w.case.uuid}",
        body=lambda w: {"revision": 1, "title": "Refonte"},
    ),
    Endpoint("delete_case", "delete", lambda w: f"/cases/{w.case.uuid}", ok=204),
    Endpoint(
        "add_evidence",
        "post",
        lambda w: f"/cases/{w.case.uuid}/evidence",
        files=lambda w: {"files": [text()]},
        ok=201,
    ),
    Endpoint("get_evidence", "get", lambda w: f"/evidence/{w.evidence.uuid}"),
    Endpoint("download_evidence", "get", lambda w: f"/evidence/{w.evidence.uuid}/download"),
    Endpoint("delete_evidence", "delete", lambda w: f"/evidence/{w.evidence.uuid}", ok=204),
    Endpoint("list_mappings", "get", lambda w: f"/portfolios/{w.portfolio.uuid}/mappings"),
    Endpoint(
        "create_mapping",
        "post",
        lambda w: f"/portfolios/{w.portfolio.uuid}/mappings",
        body=lambda w: {
            "criterion": str(w.criterion.uuid),
            "case": str(w.case.uuid),
            "justification": "Le cas entier.",
        },
        ok=201,
    ),
    Endpoint(
        "create_mappings",
        "post",
        lambda w: f"/portfolios/{w.portfolio.uuid}/mappings/batch",
        body=lambda w: {
            "case": str(w.case.uuid),
            "mappings": [{"criterion": str(w.criterion.uuid), "justification": "Le cas entier."}],
        },
        ok=201,
    ),
    Endpoint("delete_mapping", "delete", lambda w: f"/mappings/{w.mapping.uuid}", ok=204),
    Endpoint("get_coverage", "get", lambda w: f"/portfolios/{w.portfolio.uuid}/coverage"),
    Endpoint(
        "upload_support",
        "put",
        lambda w: f"/portfolios/{w.portfolio.uuid}/supports/BC01",
        files=lambda w: {"file": pdf("new-slides.pdf", SLIDES + b"% v2\n")},
    ),
    Endpoint("download_support", "get", lambda w: f"/supports/{w.support.uuid}/download"),
    Endpoint("delete_support", "delete", lambda w: f"/supports/{w.support.uuid}", ok=204),
    Endpoint("list_submissions", "get", lambda w: f"/portfolios/{w.portfolio.uuid}/submissions"),
    Endpoint(
        "submit_portfolio",
        "post",
        lambda w: f"/portfolios/{w.portfolio.uuid}/submissions",
        body=lambda w: {"blocks": ["BC01"], "confirm_uncovered": True},
        ok=201,
    ),
    Endpoint(
        "download_submission_snapshot",
        "get",
        lambda w: f"/submissions/{w.submission.uuid}/snapshot.zip",
    ),
]
BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}
READS = [endpoint for endpoint in ENDPOINTS if not endpoint.writes]
WRITES = [endpoint for endpoint in ENDPOINTS if endpoint.writes]
OUTSIDERS = ["other candidate", "staff of another centre", "auditor"]
READERS = ["staff of the centre", "manager"]


def ids(endpoints):
    return [endpoint.name for endpoint in endpoints]
