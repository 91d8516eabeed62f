"""Data Integrity proofs (W3C VC Data Integrity, cryptosuite ``eddsa-rdfc-2022``).

The proof signs the RDF dataset the credential's JSON-LD stands for, canonicalized
(RDFC-1.0), with the issuer's Ed25519 key: ``DataIntegrityProof``, ``proofPurpose``
``assertionMethod``, ``proofValue`` in multibase base58btc. Its ``verificationMethod`` is
the issuer's id, ``#`` and the key's Multikey ``publicKeyMultibase``: the key is then
named by itself, as did:key does, and bound to the issuer (its controller) — which lets
1EdTech's validator check the proof without fetching a key document.
``CredentialKeys.verification_method`` gives the Multikey document to publish in the
issuer's profile for verifiers that dereference it.

The work is openbadgeslib's (LGPL-3.0; ``openbadgeslib[ldp]``, which brings pyld), chosen
over pyld with a loader of our own because it also does what a verifier must and what is
easy to get wrong: it refuses a document whose JSON is not exactly the compacted form of
what was signed (an undefined term, an aliased or re-keyed member would otherwise be
shown though no signature covers it), bounds the work of canonicalizing hostile blank
node graphs, and serves the JSON-LD contexts (VC 2.0, Open Badges 3.0.3 and its
extensions, Data Integrity) from copies pinned in its package: it never fetches one, and
refuses any other. It is maintained (releases every month in 2026) and tested against
the W3C test vectors.

openbadgeslib takes 0.1 s to import: it is loaded on use, so that what never signs with
Data Integrity does not pay for it.
"""

import copy
import datetime

from cryptography.hazmat.primitives.asymmetric import ed25519
from django.utils.translation import gettext as _
from joserfc.jwk import OKPKey

from certifolio.credentials.errors import InvalidCredential
from certifolio.credentials.keys import CredentialKeys, ed25519_multibase
from certifolio.credentials.vc_jwt import check_validity_period

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
PROOF_PURPOSE = "assertionMethod"


def add_data_integrity_proof(
    credential: dict, keys: CredentialKeys, *, created: datetime.datetime
) -> dict:
    """A copy of ``credential`` with a Data Integrity proof made at ``created``, in a
    ``proof`` array (as the Open Badges 3.0 schema wants)."""
    from openbadgeslib.errors import ErrorSigningFile  # noqa: PLC0415 (0.1 s, loaded on use)
    from openbadgeslib.ob3 import ldp  # noqa: PLC0415 (0.1 s, loaded on use)

    if created.tzinfo is None:
        raise ValueError(f"{created!r} has no time zone: a proof needs an instant.")
    method = f"{_issuer_id(credential)}#{keys.ed25519_multibase}"
    try:
        signed = ldp.add_data_integrity_proof(
            credential,
            keys.ed25519_key,
            method,
            proof_purpose=PROOF_PURPOSE,
            created=created.astimezone(datetime.UTC).replace(microsecond=0),
        )
    except ErrorSigningFile as error:
        raise ValueError(f"The credential cannot be signed: {error}") from error
    signed["proof"] = [signed["proof"]]
    return signed


def _issuer_id(credential: dict):
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not issuer_id:
        raise ValueError("The credential has no issuer id to bind its key to.")
    return issuer_id


def verify_data_integrity_proof(
    credential: dict, *, public_keys: dict, now: datetime.datetime | None = None
) -> dict:
    """``credential`` once its Data Integrity proof is checked with the issuer's key from
    the JWK Set ``public_keys`` (``keys.public_jwks()``) and its validity at ``now`` (the
    present by default); InvalidCredential says why not.

    For Open Badges 3.0 credentials (their types are checked). Revocation is not checked
    here: it needs the status list (``status_list``).
    """
    from openbadgeslib.ob3 import ldp  # noqa: PLC0415 (0.1 s, loaded on use)
    from openbadgeslib.ob3.verifier import (  # noqa: PLC0415 (0.1 s, loaded on use)
        OB3VerificationError,
    )

    proof = _proof(credential)
    public_key = _key_for(proof.get("verificationMethod"), credential, public_keys)

    try:
        ldp.OB3LdpVerifier(pubkey_pem=public_key).verify(copy.deepcopy(credential))
    except OB3VerificationError as error:
        # A changed proofValue decodes to a signature that does not match, or to no
        # Ed25519 signature at all (65 bytes, say): either way the signature is broken.
        if "signature mismatch" in str(error) or "Ed25519 signature" in str(error):
            raise _tampered() from None
        # The library checks the validity period with the clock: say it as we do.
        check_validity_period(credential, now=now)
        raise InvalidCredential(
            _("The credential's Data Integrity proof does not verify: %(error)s.")
            % {"error": str(error).rstrip(".")}
        ) from None
    check_validity_period(credential, now=now)
    return credential


def _tampered() -> InvalidCredential:
    return InvalidCredential(
        _(
            "The credential's signature is invalid: it was changed after it was signed, or "
            "was not signed by this issuer."
        )
    )


def _proof(credential) -> dict:
    """The credential's one eddsa-rdfc-2022 proof; InvalidCredential when it has none."""
    proofs = credential.get("proof") if isinstance(credential, dict) else None
    proofs = proofs if isinstance(proofs, list) else [proofs]
    ours = [
        proof
        for proof in proofs
        if isinstance(proof, dict)
        and proof.get("type") == PROOF_TYPE
        and proof.get("cryptosuite") == CRYPTOSUITE
    ]
    if len(ours) != 1:
        raise InvalidCredential(
            _("The credential carries no Data Integrity proof (%(cryptosuite)s) to verify.")
            % {"cryptosuite": CRYPTOSUITE}
        )
    return ours[0]


def _key_for(method, credential: dict, public_keys: dict) -> ed25519.Ed25519PublicKey:
    """The Ed25519 key of ``public_keys`` that ``method`` names, if the credential's issuer
    controls it; InvalidCredential otherwise."""
    controller, _hash, fragment = method.partition("#") if isinstance(method, str) else ("",) * 3
    try:
        issuer_id = _issuer_id(credential)
    except ValueError:
        issuer_id = None
    if controller == issuer_id and fragment:
        for jwk in public_keys.get("keys", ()):
            if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
                continue
            public_key = OKPKey.import_key(jwk).public_key
            if fragment in (jwk.get("kid"), ed25519_multibase(public_key)):
                return public_key
    raise InvalidCredential(
        _(
            "The credential's proof names a key (%(method)s) that its issuer does not publish: "
            "it was not signed by this issuer, or with a key since withdrawn."
        )
        % {"method": method}
    )
