"""The schedule's export: valid against its schema, read back the same, re-checked alone."""

import copy
import datetime
import json
from pathlib import Path

import jsonschema
from django.utils import translation

import certifolio.exams
from certifolio.exams.planning.check import check_export
from certifolio.exams.planning.export import (
    plan_to_csv_rows,
    problem_from_export,
    problem_to_export,
)
from certifolio.exams.planning.model import (
    JurorData,
    JuryData,
    PlacedOral,
    Problem,
    RegistrationData,
    RoomData,
    Window,
)

SCHEMA = Path(certifolio.exams.__file__).parent / "data" / "schedule.schema.json"
FRIDAY = datetime.date(2026, 3, 27)  # summer time starts on Sunday 29 March
MONDAY = datetime.date(2026, 3, 30)


def _problem() -> Problem:
    windows = tuple(
        Window(day, half, start, end)
        for day in (FRIDAY, MONDAY)
        for half, start, end in (("am", 510, 750), ("pm", 810, 1080))
    )
    keys = frozenset(w.key for w in windows)
    return Problem(
        windows=windows,
        rooms=(RoomData("room-1", 4, True),),
        jurors=(JurorData("ann", keys), JurorData("bob", keys)),
        juries=(JuryData("jury-1", ("ann", "bob")),),
        registrations=(
            RegistrationData("reg-1", "cand-1", 60, ("jury-1",), frozenset({(MONDAY, "pm")})),
            RegistrationData("reg-2", "cand-2", 80, ("jury-1",), remote=True),
        ),
        break_minutes=10,
        max_orals_per_jury_per_day=8,
    )


ORALS = (
    PlacedOral("reg-1", "jury-1", "room-1", FRIDAY, 510, 570),
    PlacedOral("reg-2", "jury-1", None, MONDAY, 510, 590, locked=True),
)
META = {
    "session": {"id": "s-1", "name": "June session"},
    "names": {"ann": "Ann Martin", "bob": "Bob Durand", "jury-1": "Jury A", "room-1": "A101"},
    "roles": {"jury-1": {"ann": "president", "bob": "member"}},
    "ties": {"bob": [{"kind": "company", "company": "Acme"}]},
    "registrations": {
        "reg-1": {"candidate_name": "Zoé Petit", "company": "Globex", "blocks": ["BC01"]},
        "reg-2": {"candidate_name": "Yann Roux", "company": "Initech", "blocks": ["BC01", "BC02"]},
    },
    "meeting_links": {"reg-2": "https://meet.example/abc"},
}


def test_problem_to_export_is_valid_against_the_schema():
    data = problem_to_export(_problem(), ORALS, meta=META)

    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(json.loads(json.dumps(data)), schema)
    assert data["format"] == "certifolio-schedule/1"


def test_problem_to_export_writes_offsets_across_the_daylight_saving_change():
    data = problem_to_export(_problem(), ORALS, meta=META)

    assert [(o["start"], o["end"]) for o in data["plan"]["orals"]] == [
        ("2026-03-27T08:30:00+01:00", "2026-03-27T09:30:00+01:00"),
        ("2026-03-30T08:30:00+02:00", "2026-03-30T09:50:00+02:00"),
    ]
    assert data["registrations"][0]["unavailability"] == [
        {"start": "2026-03-30T13:30:00+02:00", "end": "2026-03-30T18:00:00+02:00"}
    ]
    assert data["plan"]["orals"][1]["members"] == [
        {"juror": "ann", "role": "president"},
        {"juror": "bob", "role": "member"},
    ]


def test_problem_from_export_reads_back_the_same():
    data = json.loads(json.dumps(problem_to_export(_problem(), ORALS, meta=META)))

    assert problem_from_export(data) == (_problem(), ORALS)


def test_check_export_accepts_a_valid_plan():
    assert check_export(problem_to_export(_problem(), ORALS, meta=META)) == []


def test_check_export_finds_a_tie_with_the_candidates_company():
    meta = copy.deepcopy(META)
    meta["registrations"]["reg-1"]["company"] = "ACME"

    with translation.override("en"):
        [violation] = check_export(problem_to_export(_problem(), ORALS, meta=meta))

    assert violation.rule == "tie"
    assert violation.message == "Bob Durand has a declared tie (company) with Zoé Petit (reg-1)."


def test_check_export_finds_overlap_and_unavailability():
    data = problem_to_export(_problem(), ORALS, meta=META)
    data["plan"]["orals"][1]["start"] = "2026-03-27T09:00:00+01:00"
    data["plan"]["orals"][1]["end"] = "2026-03-27T10:20:00+01:00"
    data["plan"]["orals"].append(
        {
            **data["plan"]["orals"][0],
            "start": "2026-03-30T14:00:00+02:00",
            "end": "2026-03-30T15:00:00+02:00",
        }
    )

    assert sorted(v.rule for v in check_export(data)) == [
        "duplicate_oral",
        "juror_overlap",
        "juror_overlap",
        "unavailable_candidate",
    ]


def test_check_export_refuses_another_format():
    assert [v.rule for v in check_export({"format": "other/1"})] == ["format"]


def test_plan_to_csv_rows_gives_local_times():
    rows = plan_to_csv_rows(problem_to_export(_problem(), ORALS, meta=META))

    assert rows == [
        {
            "date": "2026-03-27",
            "start": "08:30",
            "end": "09:30",
            "candidate": "Zoé Petit",
            "blocks": "BC01",
            "jury": "Jury A",
            "members": "Ann Martin (president), Bob Durand (member)",
            "room": "A101",
            "link": "",
        },
        {
            "date": "2026-03-30",
            "start": "08:30",
            "end": "09:50",
            "candidate": "Yann Roux",
            "blocks": "BC01, BC02",
            "jury": "Jury A",
            "members": "Ann Martin (president), Bob Durand (member)",
            "room": "",
            "link": "https://meet.example/abc",
        },
    ]
