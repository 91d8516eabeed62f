"""The public addresses printed on documents and written into credentials, in one place.

Each starts with ``PUBLIC_URL``: a QR code or a credential outlives the request that
made it, so its links must not depend on the host the request came by.
"""

from django.conf import settings
from django.urls import reverse


def absolute(name: str, **kwargs) -> str:
    return settings.PUBLIC_URL + reverse(name, kwargs=kwargs or None)


def verification_url(award) -> str:
    """The public page that verifies ``award``: printed on its document, in its QR code,
    and its credential's ``id``."""
    return absolute("web:verify_award", uuid=award.uuid)


def issuer_id() -> str:
    """The URL of the issuer's profile: the ``issuer`` of every credential."""
    return absolute("web:credential_issuer")


def status_list_url() -> str:
    return absolute("web:status_list")


def key_url(kid: str) -> str:
    """Where one public key is served: the ``kid`` of the JWTs resolves there."""
    return absolute("web:credential_key", kid=kid)
