"""The plan_session and export_schedule commands."""

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import CommandError, call_command

import certifolio.exams
from certifolio.exams.enums import PlanState
from certifolio.exams.models import Oral
from tests.exams.schedule_world import plan_world


@pytest.fixture
def world(seed_version):
    return plan_world(seed_version)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_plan_session_command_plans_and_prints_the_run(world):
    printed = run("plan_session", str(world.session.uuid), "--time-limit", "2")

    world.session.refresh_from_db()
    assert printed.startswith(f"{world.session.name}: Optimal")
    assert "3 orals placed, 0 not placed" in printed
    assert world.session.plan_state == PlanState.DRAFT


def test_plan_session_command_refuses_a_replan_of_a_draft(world):
    run("plan_session", world.session.name, "--time-limit", "2")

    with pytest.raises(CommandError):
        run("plan_session", world.session.name, "--replan", "--time-limit", "1")


def test_plan_session_command_names_an_unknown_session(db):
    with pytest.raises(CommandError, match="No session 'nope'"):
        run("plan_session", "nope")


def test_export_schedule_json_holds_inputs_and_plan(world):
    run("plan_session", world.session.name, "--time-limit", "2")

    data = json.loads(run("export_schedule", world.session.name, "--format", "json"))

    assert data["session"]["name"] == world.session.name
    assert len(data["plan"]["orals"]) == 3
    assert sorted(room["name"] for room in data["rooms"]) == [
        "Campus — Salle A",
        "Campus — Salle B",
    ]
    assert data["plan"]["orals"][0]["start"].endswith("+02:00")


def test_export_schedule_csv_has_a_header_and_one_row_per_oral(world):
    run("plan_session", world.session.name, "--time-limit", "2")

    rows = list(
        csv.DictReader(io.StringIO(run("export_schedule", world.session.name, "--format", "csv")))
    )

    assert len(rows) == Oral.objects.count() == 3


def test_export_schedule_ics_writes_a_file(world, tmp_path):
    run("plan_session", world.session.name, "--time-limit", "2")
    target = tmp_path / "plan.ics"

    run("export_schedule", world.session.name, "--format", "ics", "--output", str(target))

    text = target.read_text()
    assert text.count("BEGIN:VEVENT") == 3
    assert "TZID:Europe/Paris" in text


def test_export_schedule_json_follows_the_published_schema(world):
    run("plan_session", world.session.name, "--time-limit", "2")
    schema = json.loads(
        (Path(certifolio.exams.__file__).parent / "data" / "schedule.schema.json").read_text()
    )

    data = json.loads(run("export_schedule", world.session.name, "--format", "json"))

    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
