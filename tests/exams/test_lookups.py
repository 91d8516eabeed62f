"""The lookups of jurors' parts and ties: found with the permission, else not found."""

import uuid

import pytest

from certifolio.common.errors import NotFound
from certifolio.exams import queries
from certifolio.exams.models import Tie
from tests.exams.factories import JurorFactory, SessionFactory, enlist
from tests.factories import OrganisationFactory, centre_staff, manager


@pytest.fixture
def session(seed_version):
    return SessionFactory(version=seed_version)


def test_own_session_juror_finds_his_part_only(session):
    juror, other = JurorFactory(), JurorFactory()
    part = enlist(session, juror)
    enlist(session, other)
    assert queries.own_session_juror(juror.user, session.uuid) == part
    with pytest.raises(NotFound):
        queries.own_session_juror(JurorFactory().user, session.uuid)
    with pytest.raises(NotFound):
        queries.own_session_juror(juror.user, uuid.uuid4())
    with pytest.raises(NotFound):
        queries.own_session_juror(juror.user, "abc")


def test_session_juror_for_checks_the_permission_on_the_juror(session):
    juror, other = JurorFactory(), JurorFactory()
    enlist(session, juror)
    part = enlist(session, other)
    assert queries.session_juror_for(manager(), session.uuid, other.uuid) == part
    assert queries.session_juror_for(other.user, session.uuid, other.uuid) == part
    with pytest.raises(NotFound):
        queries.session_juror_for(juror.user, session.uuid, other.uuid)
    with pytest.raises(NotFound):
        queries.session_juror_for(centre_staff(OrganisationFactory()), session.uuid, other.uuid)
    with pytest.raises(NotFound):
        queries.session_juror_for(manager(), session.uuid, JurorFactory().uuid)


def test_tie_for_finds_ones_own_tie_and_not_anothers(db, django_assert_num_queries):
    juror = JurorFactory()
    tie = Tie.objects.create(juror=juror, kind="company", company="Orange")
    user = juror.user
    user.has_role("juror")  # the role grants are cached on the user once read
    with django_assert_num_queries(1):
        assert queries.tie_for(user, tie.uuid) == tie
    with pytest.raises(NotFound):
        queries.tie_for(JurorFactory().user, tie.uuid)
    with pytest.raises(NotFound):
        queries.tie_for(user, uuid.uuid4())
