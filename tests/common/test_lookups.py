"""The audit trail's lookups (``common.queries``) and the shared helpers."""

import uuid

import pytest
from django.http import Http404

from certifolio.accounts.enums import Role
from certifolio.common.audit import record_event
from certifolio.common.errors import NotFound
from certifolio.common.queries import audit_event_for, require_audit_access
from tests.factories import UserFactory, candidate, manager


def test_not_found_is_djangos_404():
    assert issubclass(NotFound, Http404)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.AUDITOR])
def test_audit_event_for_a_reader_of_the_trail(db, role, django_assert_num_queries):
    event = record_event("accounts.test_event", actor=manager())
    reader = UserFactory(roles=[role])
    reader.has_role(role)

    with django_assert_num_queries(1):
        found = audit_event_for(reader, event.uuid)
        actor = found.actor.email

    assert (found.pk, actor) == (event.pk, event.actor.email)


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.CENTRE_STAFF, Role.JUROR])
def test_audit_event_for_others_is_not_found(db, role):
    event = record_event("accounts.test_event", actor=manager())

    with pytest.raises(NotFound):
        audit_event_for(UserFactory(roles=[role]), event.uuid)


@pytest.mark.parametrize("identifier", [uuid.uuid4(), "not-a-uuid"])
def test_audit_event_for_an_unknown_identifier_is_not_found(db, identifier):
    with pytest.raises(NotFound):
        audit_event_for(manager(), identifier)


def test_require_audit_access_refuses_a_candidate(db):
    with pytest.raises(NotFound):
        require_audit_access(candidate())
