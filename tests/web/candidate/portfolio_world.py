"""The sample portfolio of the portfolio and case page tests, and helpers for it."""

import hashlib

from django.urls import reverse

from certifolio.portfolio.models import Evidence, StoredFile
from certifolio.referential.models import Criterion

NARRATIVE = "J’ai **conduit** la migration du réseau."


# The site's own forms on every page: log out, and the language.
BASE_FORMS = 2


# Logged in with force_login: an unusable password spares the slow hashing.
NO_PASSWORD = "!"


def _evidence(case, name) -> Evidence:
    digest = hashlib.sha256(f"{case.uuid}/{name}".encode()).hexdigest()
    stored = StoredFile.objects.create(
        sha256=digest, size=2048, content_type="application/pdf", storage_name=f"test/{digest}"
    )
    return Evidence.objects.create(case=case, file=stored, name=name)


def _criteria(block, count) -> list[Criterion]:
    return list(
        Criterion.objects.filter(competency__block=block).order_by("competency__order", "order")[
            :count
        ]
    )


def _url(world, name) -> str:
    args = {
        "portfolio_home": [],
        "portfolio": [world.portfolio.uuid],
        "case_create": [world.portfolio.uuid],
        "coverage": [world.portfolio.uuid],
        "supports": [world.portfolio.uuid],
        "case": [world.case.uuid],
        "mapping": [world.case.uuid],
    }[name]
    return reverse(f"web:{name}", args=args)
