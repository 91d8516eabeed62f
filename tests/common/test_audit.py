import datetime
import decimal
import io
import threading
import uuid

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test import RequestFactory

from certifolio.common.audit import AuditTrailBroken, event_hash, record_event, verify_chain
from certifolio.common.models import AuditChainHead, AuditEvent, AuditEventImmutableError
from certifolio.referential.domain.loading import load_referential
from certifolio.referential.domain.versions import start_draft
from tests.common.tampering import forge_event_after_the_head
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


def _events(count):
    user = UserFactory()
    return [
        record_event("test.thing_done", obj=user, summary=f"Thing {index}")
        for index in range(count)
    ]


def _execute(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify_output():
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def test_record_event_chains_each_event_to_the_previous_one(db):
    first, second, third = _events(3)

    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert [first.prev_hash, second.prev_hash, third.prev_hash] == ["", first.hash, second.hash]
    assert (AuditChainHead.objects.get().sequence, AuditChainHead.objects.get().hash) == (
        3,
        third.hash,
    )


def test_audit_verify_with_an_intact_chain_says_so(db):
    _events(3)

    output = _verify_output()

    assert output == "Audit trail intact: 3 events.\n"


def test_audit_verify_with_no_event_says_so(db):
    assert _verify_output() == "Audit trail intact: 0 events.\n"


def test_record_event_stores_the_actor_object_and_values_as_text(db):
    user = UserFactory(email="claire@example.org")
    moment = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)
    identifier = uuid.UUID("12345678-1234-5678-1234-567812345678")

    event = record_event(
        "test.thing_done",
        obj=user,
        actor=user,
        before={"amount": decimal.Decimal("12.50"), "on": datetime.date(2026, 3, 1)},
        after={"at": moment, "id": identifier, "codes": ("a", "b"), "ratio": 0.25},
        summary="Done",
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.actor_uuid, stored.actor_label) == (
        user,
        user.uuid,
        "claire@example.org",
    )
    assert (stored.object_type, stored.object_id, stored.object_repr) == (
        "accounts.user",
        str(user.uuid),
        str(user),
    )
    assert stored.before == {"amount": "12.50", "on": "2026-03-01"}
    assert stored.after == {
        "at": "2026-03-01T09:30:00.000000Z",
        "id": "12345678-1234-5678-1234-567812345678",
        "codes": ["a", "b"],
        "ratio": 0.25,
    }
    assert (stored.summary, stored.ip, stored.user_agent) == ("Done", "", "")


def test_record_event_with_awkward_json_values_still_verifies(db):
    # Values a database's JSON type might write back differently, and text it refuses.
    record_event(
        "test.thing_done",
        after={"big": 1e16, "zero": -0.0, "tiny": 1e-7, "text": "élève\x00 ’", "n": None},
        summary="nul\x00byte",
    )

    report = verify_chain()

    assert (report.ok, report.checked) == (True, 1)


def test_record_event_without_actor_outside_a_request_is_the_system(db):
    event = record_event("test.thing_done")

    assert (event.actor, event.actor_uuid, event.actor_label) == (None, None, "")


@transaction.atomic
def _record_then_fail():
    record_event("test.thing_done")
    raise RuntimeError


def test_record_event_rolled_back_with_its_transaction_leaves_no_trace(db):
    _events(1)

    with pytest.raises(RuntimeError):
        _record_then_fail()
    _events(1)

    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == [
        1,
        2,
    ]
    assert verify_chain().ok is True


def test_audit_verify_detects_an_altered_field(db):
    events = _events(3)
    _execute("UPDATE common_auditevent SET summary = %s WHERE sequence = 2", ["Other"])

    with pytest.raises(CommandError) as error:
        call_command("audit_verify")

    assert str(error.value) == f"Audit trail broken at event #2 ({events[1].uuid}): hash mismatch."


def test_audit_verify_detects_an_event_rewritten_with_a_fresh_hash(db):
    events = _events(3)
    forged = AuditEvent.objects.get(sequence=2)
    forged.summary = "Other"
    _execute(
        "UPDATE common_auditevent SET summary = %s, hash = %s WHERE sequence = 2",
        ["Other", event_hash(forged)],
    )

    with pytest.raises(CommandError) as error:
        call_command("audit_verify")

    assert str(error.value) == f"Audit trail broken at event #3 ({events[2].uuid}): link broken."


def test_audit_verify_detects_a_deleted_event(db):
    events = _events(3)
    _execute("DELETE FROM common_auditevent WHERE sequence = %s", [2])

    with pytest.raises(CommandError) as error:
        call_command("audit_verify")

    assert str(error.value) == f"Audit trail broken at event #3 ({events[2].uuid}): sequence gap."


def test_audit_verify_detects_removed_last_events(db):
    _events(3)
    _execute("DELETE FROM common_auditevent WHERE sequence = %s", [3])

    with pytest.raises(CommandError) as error:
        call_command("audit_verify")

    assert str(error.value) == "Audit trail broken at event #3: events missing at the end."


def test_verify_chain_reports_the_first_broken_event(db):
    events = _events(4)
    _execute("UPDATE common_auditevent SET action = %s WHERE sequence >= 2", ["test.other"])

    report = verify_chain()

    assert (report.ok, report.checked, report.broken_sequence, report.broken_uuid) == (
        False,
        2,
        2,
        events[1].uuid,
    )
    assert report.reason == "hash mismatch"


def test_saving_an_existing_event_is_refused(db):
    event = AuditEvent.objects.get(pk=_events(1)[0].pk)
    event.summary = "Other"

    with pytest.raises(AuditEventImmutableError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).summary == "Thing 0"


def test_deleting_or_updating_events_is_refused(db):
    event = _events(1)[0]

    with pytest.raises(AuditEventImmutableError):
        event.delete()
    with pytest.raises(AuditEventImmutableError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditEventImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="Other")
    assert AuditEvent.objects.count() == 1


def test_deleting_a_user_keeps_their_events_and_the_chain(db):
    user = UserFactory(email="gone@example.org")
    event = record_event("test.thing_done", actor=user)

    user.delete()

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.actor_uuid, stored.actor_label) == (
        None,
        event.actor_uuid,
        "gone@example.org",
    )
    assert verify_chain().ok is True


def _request():
    return RequestFactory().post("/login/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Firefox")


def test_failed_login_records_the_typed_address_not_the_password(db):
    UserFactory(email="claire@example.org")

    authenticate(_request(), username="claire@example.org", password="wrong-secret")

    event = AuditEvent.objects.get(action="auth.login_failed")
    assert (event.actor, event.actor_label, event.ip, event.user_agent) == (
        None,
        "claire@example.org",
        "203.0.113.9",
        "Firefox",
    )
    stored = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert "wrong-secret" not in repr(stored)


def test_successful_login_and_logout_are_recorded(client, db):
    user = UserFactory(email="claire@example.org")

    assert client.login(request=_request(), username=user.email, password=PASSWORD) is True
    client.logout()

    events = AuditEvent.objects.order_by("sequence")
    assert [(e.action, e.actor, e.object_id) for e in events] == [
        ("auth.login", user, str(user.uuid)),
        ("auth.logout", user, str(user.uuid)),
    ]


def test_lockout_is_recorded(db, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(email="claire@example.org")

    for _attempt in range(2):
        authenticate(_request(), username="claire@example.org", password="wrong")

    # django-axes locks out while handling the failure, before our receiver records it.
    assert list(AuditEvent.objects.order_by("sequence").values_list("action", "actor_label")) == [
        ("auth.login_failed", "claire@example.org"),
        ("auth.locked_out", "claire@example.org"),
        ("auth.login_failed", "claire@example.org"),
    ]


def test_publishing_a_version_records_it(seed_version):
    event = AuditEvent.objects.get(action="referential.version_published")

    # Versions have no UUID (they are named by certification and number): the key is used.
    assert (event.object_type, event.object_id) == (
        "referential.referentialversion",
        str(seed_version.uuid),
    )
    assert event.object_repr.startswith("Expert(e) en ingénierie informatique — v1 (")
    assert event.after == {"number": 1, "content_hash": seed_version.content_hash}


def test_loading_records_once_and_an_unchanged_load_records_nothing(seed_version, seed_document):
    load_referential(seed_document, actor=None)

    assert list(AuditEvent.objects.order_by("sequence").values_list("action", "after")) == [
        (
            "referential.version_published",
            {"number": 1, "content_hash": seed_version.content_hash},
        ),
        (
            "referential.loaded",
            {"number": 1, "status": "published", "content_hash": seed_version.content_hash},
        ),
    ]


def test_starting_a_draft_is_recorded_with_its_actor(seed_version):
    user = UserFactory()

    draft = start_draft(seed_version.certification, actor=user)

    event = AuditEvent.objects.get(action="referential.draft_started")
    assert (event.actor, event.object_id, event.after) == (user, str(draft.uuid), {"number": 2})


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite lets one writer at a time anyway"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    errors = []

    def write():
        try:
            for _index in range(10):
                record_event("test.thing_done")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    report = verify_chain()
    assert errors == []
    assert (report.ok, report.checked) == (True, 40)


# Tampering the tail, the actor, and checkpoints kept outside the database


def test_audit_verify_detects_the_last_events_removed_with_the_head(db):
    _events(3)
    _execute("DELETE FROM common_auditevent WHERE sequence = %s", [3])
    _execute("DELETE FROM common_auditchainhead", [])

    with pytest.raises(CommandError) as error:
        call_command("audit_verify")

    assert str(error.value) == "Audit trail broken at event #3: chain head missing."


def test_audit_verify_detects_a_forged_event_after_the_head(db):
    _events(2)
    forged = forge_event_after_the_head()

    with pytest.raises(CommandError) as error:
        call_command("audit_verify")

    assert (
        str(error.value)
        == f"Audit trail broken at event #3 ({forged.uuid}): event beyond the head."
    )


def test_audit_verify_detects_a_changed_actor(db):
    claire, other = UserFactory(), UserFactory()
    event = record_event("test.thing_done", actor=claire)
    _execute("UPDATE common_auditevent SET actor_id = %s WHERE sequence = 1", [other.pk])

    with pytest.raises(CommandError) as error:
        call_command("audit_verify")

    assert str(error.value) == f"Audit trail broken at event #1 ({event.uuid}): actor mismatch."


def test_audit_verify_detects_an_actor_given_to_a_system_event(db):
    other = UserFactory()
    event = record_event("test.thing_done")
    _execute("UPDATE common_auditevent SET actor_id = %s WHERE sequence = 1", [other.pk])

    report = verify_chain()

    assert (report.ok, report.broken_uuid, report.reason) == (False, event.uuid, "actor mismatch")


def test_record_event_on_a_trail_with_a_forged_event_refuses_and_logs(db, caplog):
    _events(2)
    forge_event_after_the_head()

    with pytest.raises(AuditTrailBroken) as error:
        record_event("test.thing_done")

    assert str(error.value) == "event #3 already exists beyond the chain head (#2)"
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        (
            "ERROR",
            "The audit trail is broken: event #3 already exists beyond the chain head (#2). "
            "No change can be recorded until it is repaired: run `certifolio audit_verify`.",
        )
    ]
    assert AuditEvent.objects.count() == 3


def test_record_event_on_a_trail_whose_head_was_removed_refuses(db):
    _events(2)
    _execute("DELETE FROM common_auditchainhead", [])

    with pytest.raises(AuditTrailBroken) as error:
        record_event("test.thing_done")

    assert str(error.value) == "the chain head is missing while 2 events exist"
    assert AuditEvent.objects.count() == 2


def _checkpoint():
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    return out.getvalue().strip()


def test_audit_checkpoint_prints_the_last_sequence_and_hash(db):
    events = _events(2)

    checkpoint = _checkpoint()

    assert checkpoint.startswith(f"certifolio-audit:2:{events[1].hash}:")
    assert len(checkpoint.split(":")) == 4


def test_audit_checkpoint_of_an_empty_trail_is_refused(db):
    with pytest.raises(CommandError) as error:
        call_command("audit_checkpoint")

    assert str(error.value) == "The audit trail is empty: there is nothing to keep yet."


def test_audit_checkpoint_of_a_broken_trail_is_refused(db):
    events = _events(2)
    _execute("UPDATE common_auditevent SET summary = %s WHERE sequence = 1", ["Other"])

    with pytest.raises(CommandError) as error:
        call_command("audit_checkpoint")

    assert str(error.value) == f"Audit trail broken at event #1 ({events[0].uuid}): hash mismatch."


def test_audit_verify_with_a_checkpoint_the_trail_extends_says_so(db):
    _events(2)
    checkpoint = _checkpoint()
    _events(1)
    out = io.StringIO()

    call_command("audit_verify", checkpoint=checkpoint, stdout=out)

    assert out.getvalue() == "Audit trail intact: 3 events, extending the checkpoint at event #2.\n"


def test_audit_verify_with_a_checkpoint_detects_a_truncated_and_rewritten_tail(db):
    events = _events(3)
    checkpoint = _checkpoint()
    # The last event and the head removed and rewritten consistently: only the
    # checkpoint kept elsewhere can tell.
    _execute("DELETE FROM common_auditevent WHERE sequence = %s", [3])
    _execute("UPDATE common_auditchainhead SET sequence = 2, hash = %s", [events[1].hash])
    assert verify_chain().ok is True

    with pytest.raises(CommandError) as error:
        call_command("audit_verify", checkpoint=checkpoint)

    assert str(error.value) == (
        "Audit trail does not extend the checkpoint: it ends at event #2, "
        "before the checkpoint's event #3."
    )


def test_audit_verify_with_a_checkpoint_detects_a_trail_rewritten_since(db):
    _events(2)
    checkpoint = _checkpoint()
    # The whole trail rewritten with fresh hashes, the head with it.
    _execute("DELETE FROM common_auditevent WHERE sequence >= %s", [1])
    _execute("DELETE FROM common_auditchainhead", [])
    rewritten = _events(2)
    assert verify_chain().ok is True

    with pytest.raises(CommandError) as error:
        call_command("audit_verify", checkpoint=checkpoint)

    assert str(error.value) == (
        "Audit trail does not extend the checkpoint: event #2 "
        f"({rewritten[1].uuid}) no longer has the checkpoint's hash."
    )


def test_audit_verify_with_a_checkpoint_of_another_key_is_refused(db, settings):
    _events(1)
    checkpoint = _checkpoint()
    settings.SECRET_KEY = "another key that is long enough for the checks " * 2

    with pytest.raises(CommandError) as error:
        call_command("audit_verify", checkpoint=checkpoint)

    assert str(error.value) == (
        "This checkpoint was not issued by this installation: its MAC does not match "
        "the SECRET_KEY."
    )


@pytest.mark.parametrize(
    "text", ["", "certifolio-audit:2:abc", "certifolio-audit:two:abc:def", "other:2:abc:def"]
)
def test_audit_verify_with_a_malformed_checkpoint_is_refused(db, text):
    with pytest.raises(CommandError) as error:
        call_command("audit_verify", checkpoint=text)

    assert str(error.value) == (
        "Not an audit checkpoint: expected certifolio-audit:SEQUENCE:HASH:MAC, "
        "as printed by `certifolio audit_checkpoint`."
    )
