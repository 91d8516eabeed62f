"""Load the grading endpoints as jurors do, beside a view that does one database write.

For SQLite and PostgreSQL in turn (PostgreSQL on 127.0.0.1:5432, database
``certifolio_bench``, skipped when it does not answer): gunicorn with 2 workers on
loopback, then 1, 4 and 16 jurors at once, each a thread sending one request after
another as a logged-in juror of his own oral:

- ``one_write``: the yardstick, the project's middleware (the same juror's session,
  account and second factor read) then one INSERT;
- ``autosave``: one criterion's level saved, as the grid does while the juror clicks;
- ``grid``: the whole grid of 30 criteria saved in one request, as the plain form does.

Prints throughput, p50/p95/p99 and errors for each, the ratios to the yardstick, and
the server time and query count of a 250-registration deliberation board. The targets
(TARGETS) are printed next to the figures; the run fails only on errors, never on time
(these machines are shared).

    python bench/bench_grading.py [--seconds 4] [--backend sqlite|postgresql]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
LEVELS = (1, 4, 16)
GRID_SIZE = 30
BOARD_REGISTRATIONS = 250
PG_URL = "postgres://postgres@127.0.0.1:5432/certifolio_bench"

TARGETS = {
    "autosave_4_x_one_write": ">= 0.5",
    "autosave_4_p95_ms": "< 20",
    "grid_4_x_one_write": ">= 0.12",
    "errors_16": "= 0",
    "board_ms": "< 100",
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    arguments = parser.parse_args()
    if arguments.backend:
        print("FIGURES " + json.dumps(measure(arguments.backend, arguments.seconds)))
        return 0
    results = {}
    for backend in ("sqlite", "postgresql"):
        if backend == "postgresql" and not postgres_answers():
            print("PostgreSQL does not answer on 127.0.0.1:5432: skipped")
            continue
        results[backend] = run_child(backend, arguments.seconds)
    print_table(results)
    return report_line(results)


def run_child(backend: str, seconds: float) -> dict:
    """Each backend in a fresh process: Django is set up for one database only."""
    completed = subprocess.run(  # noqa: S603 - this very script
        [sys.executable, __file__, "--backend", backend, "--seconds", str(seconds)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"the {backend} run failed")
    line = next(ln for ln in completed.stdout.splitlines() if ln.startswith("FIGURES "))
    return json.loads(line.removeprefix("FIGURES "))


def postgres_answers() -> bool:
    try:
        import psycopg  # noqa: PLC0415 - only to probe the server

        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
    except Exception:
        return False
    return True


def fresh_postgres_database():
    import psycopg  # noqa: PLC0415 - PostgreSQL runs only

    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
    ) as connection:
        connection.execute("DROP DATABASE IF EXISTS certifolio_bench WITH (FORCE)")
        connection.execute("CREATE DATABASE certifolio_bench")


# --- one backend, in its own process -------------------------------------------------


def measure(backend: str, seconds: float) -> dict:
    os.environ["CERTIFOLIO_DATA_DIR"] = tempfile.mkdtemp(prefix="certifolio-bench-")
    if backend == "postgresql":
        fresh_postgres_database()
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(HERE))
    from _setup import setup_django  # noqa: PLC0415 - after the environment is set

    setup_django()
    # Django is set up only now: the project's modules are imported after it.
    from _grading_world import bench_jurors, board_session, create_write_table  # noqa: PLC0415
    from _load import Gunicorn, run_load  # noqa: PLC0415

    create_write_table()
    jurors = bench_jurors(max(LEVELS))
    figures = {"backend": backend}
    with Gunicorn(workers=2) as server:
        for level in LEVELS:
            chosen = jurors[:level]
            for name, make in (
                ("one_write", OneWriteClient),
                ("autosave", AutosaveClient),
                ("grid", GridClient),
            ):
                result = run_load(server.port, [make(juror) for juror in chosen], seconds=seconds)
                figures[f"{name}_{level}"] = {
                    "per_s": round(result.per_second, 1),
                    "p50": round(result.percentile(50), 1),
                    "p95": round(result.percentile(95), 1),
                    "p99": round(result.percentile(99), 1),
                    "errors": result.errors,
                    "first_error": result.first_error,
                }
    figures["board"] = board_session(BOARD_REGISTRATIONS)
    return figures


class OneWriteClient:
    """The yardstick, asked by the same logged-in juror: Django, the project's middleware
    reading his session, account and second factor, then one INSERT."""

    def __init__(self, juror):
        from _load import Request  # noqa: PLC0415 - bench/ is on the path only now

        self.request = Request("POST", "/bench/one-write/", b"", juror.headers)

    def next_request(self):
        return self.request

    def read_answer(self, status, body):
        pass


REVISION = re.compile(rb'data-revision="(\d+)"')


class AutosaveClient:
    """Clicks a level on one criterion after another, sending the revision it was shown
    (kept on the juror, whose grid the other client saves too)."""

    def __init__(self, juror):
        self.juror = juror
        self.count = 0
        self.current = None

    def next_request(self):
        from _load import Request  # noqa: PLC0415 - bench/ is on the path only now

        criterion = self.juror.criteria[self.count % len(self.juror.criteria)]
        level = self.juror.scale[self.count % len(self.juror.scale)]
        self.count += 1
        self.current = criterion
        fields = {"criterion": criterion, f"level-{criterion}": level, f"comment-{criterion}": ""}
        if criterion in self.juror.revisions:
            fields[f"revision-{criterion}"] = self.juror.revisions[criterion]
        return Request(
            "POST", self.juror.grade_path, urlencode(fields).encode(), self.juror.headers
        )

    def read_answer(self, status, body):
        found = REVISION.search(body)
        if status == 200 and found:
            self.juror.revisions[self.current] = int(found.group(1))


class GridClient:
    """Saves the whole grid in one request, as the form without JavaScript does; every
    save changes every criterion, so each grade's revision goes up by one."""

    def __init__(self, juror):
        self.juror = juror
        self.count = 0

    def next_request(self):
        from _load import Request  # noqa: PLC0415 - bench/ is on the path only now

        self.count += 1
        fields = {}
        for index, criterion in enumerate(self.juror.criteria[:GRID_SIZE]):
            fields[f"level-{criterion}"] = self.juror.scale[(index + self.count) % 3]
            fields[f"comment-{criterion}"] = f"Observation {self.count}"
            if criterion in self.juror.revisions:
                fields[f"revision-{criterion}"] = self.juror.revisions[criterion]
        return Request("POST", self.juror.grid_path, urlencode(fields).encode(), self.juror.headers)

    def read_answer(self, status, body):
        # The form's answer is a redirection to the oral's page, as after any form.
        if status == 302:
            for criterion in self.juror.criteria[:GRID_SIZE]:
                self.juror.revisions[criterion] = self.juror.revisions.get(criterion, 0) + 1


# --- the printed table ------------------------------------------------------------------


def print_table(results: dict) -> None:
    print(
        f"{'backend':<11} {'endpoint':<10} {'jurors':>6} {'req/s':>8} {'x 1-write':>9} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
    )
    for backend, figures in results.items():
        for level in LEVELS:
            base = figures[f"one_write_{level}"]["per_s"] or 1
            for name in ("one_write", "autosave", "grid"):
                row = figures[f"{name}_{level}"]
                print(
                    f"{backend:<11} {name:<10} {level:>6} {row['per_s']:>8} "
                    f"{row['per_s'] / base:>9.2f} {row['p50']:>7} {row['p95']:>7} "
                    f"{row['p99']:>7} {row['errors']:>6}"
                )
                if row["first_error"]:
                    print(f"    first error: {row['first_error']}")
        board = figures["board"]
        print(
            f"{backend:<11} board of {board['registrations']} registrations: "
            f"{board['ms']} ms server time, {board['queries']} queries"
        )
    print("targets: " + ", ".join(f"{key} {value}" for key, value in TARGETS.items()))


def report_line(results: dict) -> int:
    from _setup import report  # noqa: PLC0415 - the parent never sets Django up

    values, errors = {}, 0
    for backend, figures in results.items():
        short = "pg" if backend == "postgresql" else "sqlite"
        for level in LEVELS:
            errors += sum(
                figures[f"{name}_{level}"]["errors"] for name in ("one_write", "autosave", "grid")
            )
        base = figures["one_write_4"]["per_s"] or 1
        values[f"{short}_one_write_4_per_s"] = figures["one_write_4"]["per_s"]
        values[f"{short}_autosave_4_per_s"] = figures["autosave_4"]["per_s"]
        values[f"{short}_autosave_4_x_one_write"] = f"{figures['autosave_4']['per_s'] / base:.2f}"
        values[f"{short}_autosave_4_p95_ms"] = figures["autosave_4"]["p95"]
        values[f"{short}_grid_4_x_one_write"] = f"{figures['grid_4']['per_s'] / base:.2f}"
        values[f"{short}_errors_16"] = sum(
            figures[f"{name}_16"]["errors"] for name in ("one_write", "autosave", "grid")
        )
        values[f"{short}_board_ms"] = figures["board"]["ms"]
        values[f"{short}_board_queries"] = figures["board"]["queries"]
    report(**values)
    return 1 if errors else 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"(bench_grading took {time.perf_counter() - started:.0f} s)")
    sys.exit(code)
