"""Query-count guard of the version list (its behaviour: tests/web/public)."""

import pytest
from django.urls import reverse

from certifolio.referential.domain.versions import publish_version, start_draft
from certifolio.referential.models import ReferentialVersion
from tests.factories import manager


@pytest.mark.parametrize("count", [1, 3])
def test_version_list_query_count_is_the_same_for_1_and_3_versions(
    client, seed_version, count, verified_login, django_assert_num_queries
):
    certification = seed_version.certification
    for _index in range(count - 1):
        publish_version(start_draft(certification, actor=None), actor=None)
    publisher = manager(first_name="Inès", last_name="Martin")
    ReferentialVersion.objects.filter(certification=certification).update(published_by=publisher)
    verified_login(publisher)
    url = reverse("web:versions", args=[certification.slug])
    client.get(url)

    # Session, user, the verified second-factor device, the certification, roles, its
    # versions with their publisher.
    with django_assert_num_queries(6):
        response = client.get(url)

    assert response.text.count("Inès Martin") == count
