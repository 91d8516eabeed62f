"""Plan a generated session, re-check the exported plan, then re-plan after a withdrawal.

    python bench/bench_schedule.py --registrations N --jurors N --rooms N --days N
        [--seed S] [--time-limit T]

Without arguments (as `make bench` runs it): 100 registrations (12 jurors, 4 rooms,
5 days), then 1,000 (60 jurors, 20 rooms, 10 days). A generated session is realistic,
with some slack as a session that can be served has: jurors available on about 88 % of
half-days (one in two misses a day, and a half-day here or there), juries of two paired
by overlapping availability (about one and a half juries per room), a few ties per juror
(a candidate, a company or a training centre), about 5 % of candidates with
accommodations (extra time, a step-free room or a remote oral), 5 % who cannot come one
day or half-day, 1 to 4 blocks (40, 60, 80 or 100 minutes), a 10-minute break,
8:30–12:30 and 13:30–18:00, at most 8 orals per jury and day. It prints the capacity:
the jury half-days the rooms can seat when both members are free, against the
registrations (about 3.5 orals fit in a half-day).

Prints, per size: solve time, optimal or not, the gap (of the last unproven stage), the
objective (of that stage), placed and unplaced (reported apart), the violations an
independent re-check of the exported JSON finds (must be 0), then the re-plan time after
the busiest juror withdraws (about 5 % of orals locked), the orals it moved and those that
had to (the withdrawn juror's), and their share.
"""

import argparse
import dataclasses
import datetime
import random
import sys
import time

from _setup import report, setup_django

setup_django()

from certifolio.exams.planning.check import check_export, check_plan  # noqa: E402
from certifolio.exams.planning.export import problem_to_export  # noqa: E402
from certifolio.exams.planning.model import (  # noqa: E402
    JurorData,
    JuryData,
    Problem,
    RegistrationData,
    RoomData,
    Window,
)
from certifolio.exams.planning.solver import solve  # noqa: E402

DURATIONS = {1: 40, 2: 60, 3: 80, 4: 100}
FIRST_DAY = datetime.date(2026, 3, 23)  # the week before the change to summer time


def generate(registrations: int, jurors: int, rooms: int, days: int, seed: int):
    """A session's problem, and the ties behind its juries' validity (for the export)."""
    rnd = random.Random(seed)  # noqa: S311 - generated data, not secrets
    dates = []
    day = FIRST_DAY
    while len(dates) < days:
        if day.weekday() < 5:
            dates.append(day)
        day += datetime.timedelta(days=1)
    windows = []
    for date in dates:
        windows.append(Window(date, "am", 8 * 60 + 30, 12 * 60 + 30))
        windows.append(Window(date, "pm", 13 * 60 + 30, 18 * 60))
    keys = [w.key for w in windows]
    room_data = tuple(
        RoomData(f"room-{i:02d}", capacity=rnd.choice((4, 4, 5, 6, 8)), step_free=i % 3 == 0)
        for i in range(rooms)
    )
    # Jurors enlisted in a session declare most of it: each misses a day one time in two
    # and a half-day here or there, about 88 % of half-days in all.
    juror_data = []
    for i in range(jurors):
        away = set(rnd.sample(dates, k=1)) if rnd.random() < 0.5 else set()
        available = {k for k in keys if k[0] not in away and rnd.random() < 0.95}
        juror_data.append(JurorData(f"juror-{i:03d}", frozenset(available)))
    # Juries of two (a president and a member), each juror in one, paired by overlapping
    # availability: as many juries as jurors allow, about one and a half per room, so that
    # the rooms, not the juries, bound a half-day.
    juries = []
    free = sorted(juror_data, key=lambda j: len(j.available))
    while len(free) >= 2:
        first = free.pop(0)
        partner = max(free, key=lambda j: (len(first.available & j.available), j.id))
        free.remove(partner)
        juries.append(JuryData(f"jury-{len(juries):02d}", (first.id, partner.id)))
    centres = [f"centre-{i}" for i in range(max(2, registrations // 60))]
    companies = [f"company-{i}" for i in range(max(3, registrations // 8))]
    people = [
        {
            "id": f"reg-{i:04d}",
            "candidate": f"cand-{i:04d}",
            "centre": rnd.choice(centres),
            "company": rnd.choice(companies),
        }
        for i in range(registrations)
    ]
    ties = {}
    for juror in juror_data:
        chosen = []
        for _ in range(rnd.randint(1, 3)):
            kind = rnd.choices(("candidate", "company", "centre"), weights=(6, 3, 1))[0]
            if kind == "candidate":
                chosen.append({"kind": kind, "candidate": rnd.choice(people)["candidate"]})
            elif kind == "company":
                chosen.append({"kind": kind, "company": rnd.choice(companies)})
            else:
                chosen.append({"kind": kind, "centre": rnd.choice(centres)})
        ties[juror.id] = chosen
    regs = []
    for person in people:
        tied = {
            j.id
            for j in juror_data
            for tie in ties[j.id]
            if tie.get("candidate") == person["candidate"]
            or tie.get("company") == person["company"]
            or tie.get("centre") == person["centre"]
        }
        valid = tuple(jury.id for jury in juries if not tied & set(jury.members))
        blocks = rnd.choices((1, 2, 3, 4), weights=(4, 3, 2, 1))[0]
        minutes = DURATIONS[blocks]
        step_free = remote = False
        unavailable = frozenset()
        if rnd.random() < 0.05:
            kind = rnd.choice(("extra", "step_free", "remote"))
            minutes += 20 if kind == "extra" else 0
            step_free = kind == "step_free"
            remote = kind == "remote"
        if rnd.random() < 0.05:  # a candidate who cannot come one day or half-day
            day = rnd.choice(dates)
            unavailable = frozenset(k for k in keys if k[0] == day and rnd.random() < 0.7)
        person["blocks"] = [f"BC{n:02d}" for n in range(1, blocks + 1)]
        regs.append(
            RegistrationData(
                person["id"],
                person["candidate"],
                minutes,
                valid,
                unavailable,
                needs_step_free=step_free,
                remote=remote,
            )
        )
    problem = Problem(
        windows=tuple(windows),
        rooms=room_data,
        jurors=tuple(juror_data),
        juries=tuple(juries),
        registrations=tuple(regs),
        break_minutes=10,
        max_orals_per_jury_per_day=8,
    )
    meta = {
        "time_zone": "Europe/Paris",
        "session": {"id": "bench", "name": "Generated session"},
        "ties": ties,
        "registrations": {
            p["id"]: {"centre": p["centre"], "company": p["company"], "blocks": p["blocks"]}
            for p in people
        },
    }
    return problem, meta


def withdraw(problem: Problem, plan, rnd: random.Random) -> tuple[Problem, str]:
    """The busiest juror withdraws; about 5 % of the other orals are locked."""
    load = {}
    members = {j.id: j.members for j in problem.juries}
    for oral in plan.orals:
        for member in members[oral.jury]:
            load[member] = load.get(member, 0) + 1
    gone = max(sorted(load), key=lambda m: load[m])
    jurors = tuple(JurorData(j.id, frozenset()) if j.id == gone else j for j in problem.jurors)
    current = []
    for oral in plan.orals:
        lock = gone not in members[oral.jury] and rnd.random() < 0.05
        current.append(dataclasses.replace(oral, locked=lock))
    return dataclasses.replace(problem, jurors=jurors, current=tuple(current)), gone


def run(registrations, jurors, rooms, days, seed, time_limit) -> dict:
    problem, meta = generate(registrations, jurors, rooms, days, seed)
    plan = solve(problem, time_limit=time_limit)
    data = problem_to_export(problem, plan.orals, meta=meta)
    violations = check_export(data) + check_plan(problem, plan.orals)
    replanned, gone = withdraw(problem, plan, random.Random(seed))  # noqa: S311
    members = {j.id: j.members for j in problem.juries}
    must_move = sum(1 for o in plan.orals if gone in members[o.jury])
    started = time.perf_counter()
    second = solve(replanned, time_limit=min(time_limit, 9.0))
    replan_seconds = time.perf_counter() - started
    replan_violations = check_plan(replanned, second.orals)
    for violation in violations + replan_violations:
        print("  ", violation.rule, violation.message, file=sys.stderr)
    available = {j.id: j.available for j in problem.jurors}
    capacity = sum(
        min(
            len(problem.rooms),
            sum(1 for j in problem.juries if all(w.key in available[m] for m in j.members)),
        )
        for w in problem.windows
    )
    print("  stages:", " ".join(f"{n}={o}/{b:.0f}{'*' if p else ''}" for n, o, b, p in plan.stages))
    print(
        "  replan stages:",
        " ".join(f"{n}={o}/{b:.0f}{'*' if p else ''}" for n, o, b, p in second.stages),
    )
    return {
        "size": registrations,
        "jury_half_days": capacity,
        "solve_s": f"{plan.seconds:.2f}",
        "status": plan.status,
        "gap_pct": f"{100 * plan.gap:.2f}" if plan.gap is not None else "-",
        "objective": f"{plan.objective:.0f}" if plan.objective is not None else "-",
        "placed": len(plan.orals),
        "unplaced": len(plan.unplaced),
        "violations": len(violations),
        "replan_s": f"{replan_seconds:.2f}",
        "replan_status": second.status,
        "replan_gap_pct": f"{100 * second.gap:.2f}" if second.gap is not None else "-",
        "replan_unplaced": len(second.unplaced),
        "moved": len(second.moved),
        "must_move": must_move,
        "moved_pct": f"{100 * len(second.moved) / max(len(plan.orals), 1):.1f}",
        "replan_violations": len(replan_violations),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int)
    parser.add_argument("--jurors", type=int, default=12)
    parser.add_argument("--rooms", type=int, default=4)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float)
    args = parser.parse_args()
    if args.registrations:
        sizes = [(args.registrations, args.jurors, args.rooms, args.days)]
    else:
        sizes = [(100, 12, 4, 5), (1000, 60, 20, 10)]
    results = []
    for registrations, jurors, rooms, days in sizes:
        limit = args.time_limit or (5.0 if registrations <= 200 else 55.0)
        result = run(registrations, jurors, rooms, days, args.seed, limit)
        print(" ".join(f"{k}={v}" for k, v in result.items()))
        results.append(result)
    values = {}
    for result in results:
        size = result.pop("size")
        values.update({f"{key}_{size}": value for key, value in result.items()})
    report(**values)
    return 0 if all(r["violations"] == 0 and r["replan_violations"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
