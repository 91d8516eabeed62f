"""The meeting link of a remote oral, built from the configured template."""

from django.conf import settings


def meeting_link(oral) -> str:
    """The link of ``oral`` from ``ORAL_MEETING_URL_TEMPLATE`` ({session}, {oral}: UUIDs)."""
    return settings.ORAL_MEETING_URL_TEMPLATE.format(
        session=oral.registration.session.uuid, oral=oral.uuid
    )
