import datetime
import zoneinfo

import icalendar
import pytest

from certifolio.exams.calendar import (
    Attendee,
    OralEvent,
    oral_calendar,
    session_calendar,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
UTC = datetime.UTC


def oral_at(day, *, uid="oral-1-candidate@certifolio", sequence=0, status="CONFIRMED"):
    return OralEvent(
        uid=uid,
        sequence=sequence,
        starts_at=datetime.datetime(2026, 10, day, 9, 0, tzinfo=PARIS),
        ends_at=datetime.datetime(2026, 10, day, 9, 45, tzinfo=PARIS),
        summary="Soutenance BC01",
        location="Campus Lyon, 12 rue de la République — Salle 2",
        description="Présentez-vous 15 minutes avant.",
        organizer="convocations@example.org",
        status=status,
        attendees=(Attendee("jean.dupont@example.org", "Jean Dupont"),),
    )


def test_oral_calendar_writes_paris_times_either_side_of_the_change_to_winter_time():
    # Summer time ends on Sunday 25 October 2026.
    data = oral_calendar([oral_at(24, uid="a"), oral_at(26, uid="b")])

    text = data.decode()
    assert "DTSTART;TZID=Europe/Paris:20261024T090000" in text
    assert "DTSTART;TZID=Europe/Paris:20261026T090000" in text
    assert "DTEND;TZID=Europe/Paris:20261026T094500" in text
    assert "METHOD:REQUEST" in text


def test_oral_calendar_defines_europe_paris_with_its_summer_and_winter_parts():
    calendar = icalendar.Calendar.from_ical(oral_calendar([oral_at(24)]))

    zones = calendar.walk("VTIMEZONE")
    assert [zone["TZID"] for zone in zones] == ["Europe/Paris"]
    parts = {part.name for part in zones[0].subcomponents}
    assert parts == {"STANDARD", "DAYLIGHT"}


def test_oral_calendar_read_back_gives_the_utc_instants():
    calendar = icalendar.Calendar.from_ical(oral_calendar([oral_at(24), oral_at(26)]))

    starts = [event.decoded("dtstart").astimezone(UTC) for event in calendar.walk("VEVENT")]
    assert starts == [
        datetime.datetime(2026, 10, 24, 7, 0, tzinfo=UTC),
        datetime.datetime(2026, 10, 26, 8, 0, tzinfo=UTC),
    ]


def test_oral_calendar_carries_uid_sequence_status_and_people():
    calendar = icalendar.Calendar.from_ical(
        oral_calendar([oral_at(24, sequence=2, status="CANCELLED")], method="CANCEL")
    )

    event = calendar.walk("VEVENT")[0]
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["UID"]) == "oral-1-candidate@certifolio"
    assert event["SEQUENCE"] == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["ORGANIZER"]) == "mailto:convocations@example.org"
    assert str(event["ATTENDEE"]) == "mailto:jean.dupont@example.org"
    assert event["ATTENDEE"].params["CN"] == "Jean Dupont"
    assert str(event["LOCATION"]) == "Campus Lyon, 12 rue de la République — Salle 2"
    assert str(event["DESCRIPTION"]) == "Présentez-vous 15 minutes avant."


def test_session_calendar_publishes_every_oral():
    calendar = icalendar.Calendar.from_ical(
        session_calendar([oral_at(24, uid="a"), oral_at(26, uid="b")], name="Session")
    )

    assert calendar["METHOD"] == "PUBLISH"
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == ["a", "b"]


def test_oral_event_refuses_naive_times():
    with pytest.raises(ValueError, match="aware"):
        OralEvent(
            uid="a",
            sequence=0,
            starts_at=datetime.datetime(2026, 10, 24, 9, 0),
            ends_at=datetime.datetime(2026, 10, 24, 10, 0),
            summary="Soutenance",
        )
