"""The REST API, served under /api/v1/: OpenAPI at openapi.json, interactive docs at docs.

Callers authenticate with a personal API token or the Django session (``auth.py``);
reads of published content need neither. Every error answers the one ``ErrorOut``
schema, in the request's language, through the handlers of ``errors.py``.
"""

from ninja import NinjaAPI

from certifolio.api import (
    accounts,
    cases,
    convocations,
    deliberations,
    errors,
    evidence,
    grading,
    juries,
    jurors,
    mappings,
    minutes,
    portfolios,
    referential,
    registrations,
    results,
    schedule,
    sessions,
    submissions,
    verification,
)
from certifolio.api.auth import AUTHENTICATED, PUBLIC

api = NinjaAPI(
    title="certifolio API",
    version="1",
    description="Referentials of French professional certifications (RNCP, RS).",
    urls_namespace="api",
    # Endpoints need a person unless they say otherwise, as the referential's reads do.
    auth=AUTHENTICATED,
)
errors.install(api)
api.add_router("/certifications", referential.router, auth=PUBLIC)
api.add_router("", accounts.router)
# The portfolio and what it holds, by subject; each router names its paths in full
# (/portfolios/{uuid}/cases, /cases/{uuid}…).
for module in (portfolios, cases, evidence, mappings, submissions):
    api.add_router("", module.router)
# A session's plan of orals (/sessions/{uuid}/plan…, /orals/{uuid}/…).
api.add_router("", schedule.router)
# Jurors and juries, under /jurors, /ties, /juries and the session's /sessions/{uuid}/….
for module in (jurors, juries):
    api.add_router("", module.router)
# Convocations of a session (/sessions/{uuid}/convocations, /messages…).
api.add_router("", convocations.router)
# Sessions, their sites and rooms, and registrations (/sessions/{uuid}/registrations…).
for module in (sessions, registrations):
    api.add_router("", module.router)
# A jury's deliberation (/juries/{uuid}/deliberation…) and a session's board.
api.add_router("", deliberations.router)
# A juror's grading of an oral (/orals/{uuid}/grid, /grades, /submit).
api.add_router("", grading.router)
# A jury's minutes (/minutes/{uuid}, its PDF, approval and seal).
api.add_router("", minutes.router)
# Results and awards (/results, /sessions/{uuid}/results, /awards/{uuid}…).
api.add_router("", results.router)
# The public verification (/verify), without a token.
api.add_router("", verification.router, auth=PUBLIC)
