"""Issue, render and seal the documents and credentials of a session's results, then
load the public verification, beside the smallest Django view.

On SQLite, in a fresh data folder: a session of ``--candidates`` orals decided in sealed
minutes (BC01 and BC02 validated, the option's BC03 held from before by nine candidates
in ten, so most earn the title) has its results published; then, timed apart:

- ``credentials``: every award's Open Badges 3.0 credential built, checked against the
  schema, signed as a VC-JWT (RS256, RSA 3072) and kept, as the document run does;
- ``documents``: every award's certificate or attestation drawn up (PDF/A), sealed
  (PAdES, RSA 3072) and kept, by the document run's own task body in one process, as one
  background worker runs it;
- ``verification``: gunicorn with 2 workers on loopback, 4 clients at once asking the
  JSON endpoint for a register number, the page of a QR code's link and the JSON
  endpoint for a VC-JWT, each next to the smallest Django view behind the same
  middleware, measured in the same run.

Prints the rates, the ratios to the minimal view and the targets (TARGETS) beside them;
the run fails only when something is refused or answers an error, never on time (these
machines are shared).

    python bench/bench_certificates.py [--candidates 500] [--seconds 4]
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLIENTS = 4
TARGETS = {
    "documents_per_s": ">= 5",
    "credentials_per_s": ">= 200",
    "verify_x_minimal": ">= 0.5",
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=4.0)
    arguments = parser.parse_args()
    os.environ["CERTIFOLIO_DATA_DIR"] = tempfile.mkdtemp(prefix="certifolio-bench-")
    os.environ.pop("DATABASE_URL", None)
    # The limit stays in the path (its cache is read and written), above what 4 clients ask.
    os.environ["VERIFY_RATE_LIMIT_PER_MINUTE"] = str(10**9)
    sys.path.insert(0, str(HERE))
    from _setup import report, setup_django  # noqa: PLC0415 - after the environment is set

    setup_django()
    # Django is set up only now: the project's modules are imported after it.
    import _certificates_world as world  # noqa: PLC0415

    world.issuer_keys()
    started = time.perf_counter()
    session, manager = world.sealed_session(arguments.candidates)
    figures = {"candidates": arguments.candidates, "world_s": time.perf_counter() - started}
    figures.update(publish(session, manager))
    figures.update(credentials(session, manager))
    figures.update(documents(session, manager))
    figures.update(verification(session, arguments.seconds))
    print_table(figures)
    report(**{key: format_value(value) for key, value in figures.items()})
    return 0


def format_value(value) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def publish(session, manager) -> dict:
    from certifolio.credentials.domain.awards import publish_results  # noqa: PLC0415
    from certifolio.credentials.models import Award  # noqa: PLC0415

    started = time.perf_counter()
    publish_results(session, actor=manager)
    seconds = time.perf_counter() - started
    awards = Award.objects.filter(session=session)
    return {
        "publish_s": seconds,
        "awards": awards.count(),
        "titles": awards.filter(block__isnull=True).count(),
    }


def credentials(session, manager) -> dict:
    from certifolio.credentials.domain.credentials import issue_credential  # noqa: PLC0415
    from certifolio.credentials.models import Award  # noqa: PLC0415

    awards = list(Award.objects.filter(session=session).order_by("number"))
    started = time.perf_counter()
    for award in awards:
        issue_credential(award, actor=manager)
    seconds = time.perf_counter() - started
    return {"credentials_s": seconds, "credentials_per_s": len(awards) / seconds}


def documents(session, manager) -> dict:
    from certifolio.credentials.domain.documents import (  # noqa: PLC0415
        run_documents,
        start_document_run,
    )
    from certifolio.credentials.enums import RunState  # noqa: PLC0415
    from certifolio.credentials.models import Document  # noqa: PLC0415

    run = start_document_run(session, actor=manager)
    started = time.perf_counter()
    state = run_documents(run.pk)
    seconds = time.perf_counter() - started
    if state != RunState.DONE:
        run.refresh_from_db()
        raise SystemExit(f"the document run stopped: {run.error}")
    made = Document.objects.filter(award__session=session).count()
    return {"documents_s": seconds, "documents_per_s": made / seconds}


def verification(session, seconds: float) -> dict:
    from _load import Gunicorn, Request, run_load  # noqa: PLC0415
    from certifolio.credentials.models import Credential  # noqa: PLC0415

    samples = list(
        Credential.objects.filter(award__session=session)
        .order_by("award__number")
        .values_list("award__number", "award__uuid", "jwt")[: CLIENTS * 8]
    )
    json_headers = {"Content-Type": "application/json"}
    loads = {
        "minimal": [Request("GET", "/bench/minimal/")],
        "verify_number": [
            Request("POST", "/api/v1/verify", json.dumps({"number": n}).encode(), json_headers)
            for n, _uuid, _jwt in samples
        ],
        "verify_page": [Request("GET", f"/verify/{uuid}/") for _n, uuid, _jwt in samples],
        "verify_jwt": [
            Request("POST", "/api/v1/verify", json.dumps({"credential": t}).encode(), json_headers)
            for _n, _uuid, t in samples
        ],
    }
    figures = {}
    expected = {"minimal": b"ok", "verify_page": b"verdict-valid"}
    with Gunicorn(workers=2, probe="/bench/minimal/") as server:
        for name, requests in loads.items():
            clients = [
                Cycle(requests[index:] + requests[:index], expected.get(name, b'"valid"'))
                for index in range(CLIENTS)
            ]
            result = run_load(server.port, clients, seconds=seconds)
            wrong = sum(client.wrong for client in clients)
            if result.errors or wrong:
                raise SystemExit(
                    f"{name}: {result.errors} errors, {wrong} verdicts other than valid; "
                    f"first error {result.first_error}"
                )
            figures[f"{name}_per_s"] = result.per_second
            figures[f"{name}_p95_ms"] = result.percentile(95)
    minimal = figures["minimal_per_s"] or 1
    for name in ("verify_number", "verify_page", "verify_jwt"):
        figures[f"{name}_x_minimal"] = figures[f"{name}_per_s"] / minimal
    return figures


class Cycle:
    """A client asking for one request after another, in turn, and counting the answers
    that lack what a valid verdict says (``expected``)."""

    def __init__(self, requests, expected: bytes):
        self.requests = requests
        self.expected = expected
        self.count = 0
        self.wrong = 0

    def next_request(self):
        self.count += 1
        return self.requests[self.count % len(self.requests)]

    def read_answer(self, status, body):
        if status == 200 and self.expected not in body:
            self.wrong += 1


def print_table(figures: dict) -> None:
    print(
        f"{figures['candidates']} candidates, {figures['awards']} awards "
        f"({figures['titles']} titles); data made in {figures['world_s']:.1f} s, "
        f"results published in {figures['publish_s']:.1f} s"
    )
    print(f"credentials: {figures['credentials_per_s']:.1f}/s ({figures['credentials_s']:.1f} s)")
    print(f"sealed documents: {figures['documents_per_s']:.2f}/s ({figures['documents_s']:.1f} s)")
    print(f"{'verification':<15} {'req/s':>8} {'x minimal':>9} {'p95 ms':>7}")
    for name in ("minimal", "verify_number", "verify_page", "verify_jwt"):
        ratio = figures.get(f"{name}_x_minimal", 1.0)
        print(
            f"{name:<15} {figures[f'{name}_per_s']:>8.1f} {ratio:>9.2f} "
            f"{figures[f'{name}_p95_ms']:>7.1f}"
        )
    print("targets: " + ", ".join(f"{key} {value}" for key, value in TARGETS.items()))


if __name__ == "__main__":
    began = time.perf_counter()
    code = main()
    print(f"(bench_certificates took {time.perf_counter() - began:.0f} s)")
    sys.exit(code)
