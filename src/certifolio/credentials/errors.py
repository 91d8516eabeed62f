"""The errors of the verifiable credentials' pure modules, each with a translated message."""


class CredentialError(Exception):
    """``message`` says what went wrong and, where it can, what to do; translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CredentialKeysError(CredentialError):
    """The issuer's keys are missing or unusable: nothing can be signed."""


class InvalidCredential(CredentialError):
    """A credential, its signature or its status list does not verify; ``message`` says
    why, in words a holder or a verifier can act on."""
