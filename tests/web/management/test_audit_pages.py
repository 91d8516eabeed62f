import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from certifolio.accounts.enums import Role
from certifolio.common.audit import record_event
from certifolio.common.models import AuditEvent
from tests.factories import UserFactory, manager, with_totp


def _login(client, user):
    """Log ``user`` in, second factor given (managers must have one)."""
    device = with_totp(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _auditor(client):
    return _login(client, UserFactory(roles=[Role.AUDITOR], email="auditeur@example.org"))


def _shown_actions(response):
    return [event.action for event in response.context["page"]]


def test_audit_list_is_shown_to_a_manager(client, db):
    user = manager(email="claire@example.org")
    _login(client, user)

    response = client.get(reverse("web:audit"))

    assert response.status_code == 200
    assert "Journal d’audit" in response.text
    assert _shown_actions(response) == ["auth.login"]
    assert '<td data-label="Action">Connexion</td>' in response.text


def test_audit_list_is_shown_to_an_auditor_with_a_menu_link(client, db):
    _auditor(client)

    response = client.get(reverse("web:audit"))

    assert response.status_code == 200
    assert f'href="{reverse("web:audit")}"' in response.text


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.JUROR, Role.CENTRE_STAFF])
def test_audit_pages_are_404_for_other_roles(client, db, role):
    event = record_event("test.thing_done")
    _login(client, UserFactory(roles=[role]))

    assert client.get(reverse("web:audit")).status_code == 404
    assert client.get(reverse("web:audit_event", args=[event.uuid])).status_code == 404


def test_menu_has_no_audit_link_for_a_candidate(client, db):
    _login(client, UserFactory(roles=[Role.CANDIDATE]))

    response = client.get(reverse("web:certifications"))

    assert f'href="{reverse("web:audit")}"' not in response.text


def test_audit_list_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get(reverse("web:audit"))

    assert response.status_code == 302
    assert response.url == f"{reverse('web:login')}?next={reverse('web:audit')}"


def test_audit_list_filters_by_action(client, db):
    record_event("referential.draft_started", summary="one")
    record_event("referential.version_published")
    record_event("referential.draft_started", summary="two")
    _auditor(client)

    response = client.get(reverse("web:audit"), {"action": "referential.draft_started"})

    assert [e.summary for e in response.context["page"]] == ["two", "one"]
    assert '<option value="referential.version_published">Version publiée</option>' in (
        response.text
    )


def test_audit_list_filters_by_actor_object_type_and_text(client, db):
    claire = UserFactory(email="claire@example.org", first_name="Claire", last_name="Martin")
    record_event("test.thing_done", actor=claire, obj=claire, summary="match")
    record_event("test.thing_done", obj=UserFactory(email="paul@example.org"), summary="other")
    record_event("test.thing_done", actor=claire, summary="no object")
    _auditor(client)

    response = client.get(
        reverse("web:audit"),
        {"actor": "CLAIRE@", "object_type": "accounts.user", "q": "martin"},
    )

    assert [e.summary for e in response.context["page"]] == ["match"]


def test_audit_list_filters_by_dates(client, db):
    record_event("test.thing_done")
    _auditor(client)

    before = client.get(reverse("web:audit"), {"date_to": "2000-01-01"})
    after = client.get(reverse("web:audit"), {"date_from": "2000-01-01", "date_to": "9999-12-31"})

    assert _shown_actions(before) == []
    assert "Aucun événement ne correspond à ces filtres." in before.text
    assert _shown_actions(after) == ["auth.login", "test.thing_done"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "not a date"}, "date_from"),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_to"),
        ({"action": "no.such_action"}, "action"),
        ({"date_from": "0001-01-01", "action": "x" * 300}, "action"),
    ],
)
def test_audit_list_with_invalid_filters_shows_errors(client, db, query, field):
    _auditor(client)

    response = client.get(reverse("web:audit"), query)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert response.context["page"] is None
    assert "certains filtres ne sont pas valides" in response.text.lower()


def test_audit_list_is_paginated_newest_first(client, db):
    for index in range(51):
        record_event("test.thing_done", summary=str(index))
    _auditor(client)

    first = client.get(reverse("web:audit"))
    second = client.get(reverse("web:audit"), {"page": 2})

    assert [e.sequence for e in first.context["page"]][:2] == [52, 51]
    assert len(first.context["page"]) == 50
    assert [e.sequence for e in second.context["page"]] == [2, 1]


@pytest.mark.parametrize("count", [1, 3])
def test_audit_list_query_count_does_not_grow(client, db, count, django_assert_num_queries):
    user = UserFactory(email="claire@example.org")
    for _index in range(count):
        record_event("test.thing_done", actor=user, obj=user)
    _auditor(client)

    # session, user, second-factor device, role grants, actions, object types, count,
    # events with their actors, then the menu's user and group permissions
    with django_assert_num_queries(10):
        response = client.get(reverse("web:audit"))

    assert len(response.context["page"]) == count + 1


def test_audit_event_page_shows_every_field(client, db):
    user = UserFactory(email="claire@example.org")
    first = record_event("test.thing_done")
    event = record_event(
        "accounts.role_granted",
        actor=user,
        obj=user,
        before={"roles": []},
        after={"roles": ["auditor"]},
        summary="Rôle accordé",
    )
    _auditor(client)

    response = client.get(reverse("web:audit_event", args=[event.uuid]))

    assert response.status_code == 200
    for text in [
        "Événement n° 2\u202f: Rôle accordé",
        "claire@example.org",
        str(user.uuid),
        "<code>accounts.role_granted</code>",
        event.hash,
        first.hash,
        reverse("web:audit_event", args=[first.uuid]),
        "{\n  &quot;roles&quot;: [\n    &quot;auditor&quot;\n  ]\n}",
    ]:
        assert text in response.text


def test_audit_event_page_of_an_unknown_event_is_404(client, db):
    _auditor(client)

    response = client.get(reverse("web:audit_event", args=["12345678-1234-5678-1234-567812345678"]))

    assert response.status_code == 404


def test_publishing_from_the_page_records_the_manager_and_address(client, seed_version):
    user = manager(email="claire@example.org")
    _login(client, user)
    client.post(reverse("web:version_start_draft", args=[seed_version.certification.slug]))

    client.post(
        reverse("web:version_publish", args=[seed_version.certification.slug, 2]),
        HTTP_USER_AGENT="Firefox",
    )

    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.action, event.actor, event.actor_label, event.ip, event.user_agent) == (
        "referential.version_published",
        user,
        "claire@example.org",
        "127.0.0.1",
        "Firefox",
    )
