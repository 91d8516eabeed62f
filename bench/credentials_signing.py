"""Sign and verify Open Badges 3.0 credentials, in process, with the production key sizes.

Reports how many credentials per second are built (facts to a schema-valid credential),
signed as JWTs (RS256, RSA 3072) and verified, and signed and verified with a Data
Integrity proof (eddsa-rdfc-2022). The target for issuing is 200 credentials per second.
"""

import datetime
import tempfile
import time
from pathlib import Path

from _setup import report, setup_django

setup_django()

from tests.credentials.conftest import block_facts  # noqa: E402

from certifolio.credentials.data_integrity import (  # noqa: E402
    add_data_integrity_proof,
    verify_data_integrity_proof,
)
from certifolio.credentials.keys import make_credential_keys  # noqa: E402
from certifolio.credentials.openbadges import build_achievement_credential  # noqa: E402
from certifolio.credentials.vc_jwt import (  # noqa: E402
    sign_credential_jwt,
    verify_credential_jwt,
)

JWT_ROUNDS = 1000
DI_ROUNDS = 100


def per_second(function, rounds: int) -> float:
    function()  # warm: imports, caches
    start = time.perf_counter()
    for _ in range(rounds):
        function()
    return rounds / (time.perf_counter() - start)


def main():
    keys = make_credential_keys(Path(tempfile.mkdtemp(prefix="credential-keys-")))
    jwks = keys.public_jwks()
    facts = block_facts()
    credential = build_achievement_credential(facts)
    token = sign_credential_jwt(credential, keys)
    created = datetime.datetime(2026, 6, 30, 14, 6, tzinfo=datetime.UTC)
    signed = add_data_integrity_proof(credential, keys, created=created)
    rates = {
        "build_per_s": per_second(lambda: build_achievement_credential(facts), JWT_ROUNDS),
        "jwt_sign_per_s": per_second(lambda: sign_credential_jwt(credential, keys), JWT_ROUNDS),
        "build_and_sign_per_s": per_second(
            lambda: sign_credential_jwt(build_achievement_credential(facts), keys), JWT_ROUNDS
        ),
        "jwt_verify_per_s": per_second(lambda: verify_credential_jwt(token, jwks=jwks), JWT_ROUNDS),
        "di_sign_per_s": per_second(
            lambda: add_data_integrity_proof(credential, keys, created=created), DI_ROUNDS
        ),
        "di_verify_per_s": per_second(
            lambda: verify_data_integrity_proof(signed, public_keys=jwks), DI_ROUNDS
        ),
    }
    report(
        rsa_bits=keys.rsa_key.public_key.key_size,
        **{name: f"{rate:.0f}" for name, rate in rates.items()},
        token_bytes=len(token),
    )


if __name__ == "__main__":
    main()
