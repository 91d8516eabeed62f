"""One settings file, driven by environment variables.

Development defaults are safe: DEBUG is off unless asked for, the SQLite database and
uploaded files live in ``CERTIFOLIO_DATA_DIR`` and a secret key is generated there on
first run when ``SECRET_KEY`` is not given.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from certifolio.datadir import data_dir

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_path(name: str, default: Path) -> Path:
    return Path(os.environ[name]) if os.environ.get(name) else default


# Only the commands that set things up create it (``certifolio.datadir``).
DATA_DIR = data_dir()


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in DATA_DIR."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if not DATA_DIR.is_dir():
        # No data folder, so no database either: a key for this process alone, which
        # only a command that needs neither (or says that the database is missing) uses.
        return secrets.token_urlsafe(50)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # O_EXCL: two processes starting together must not write two different keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with a site whose doors are the site's own login (accounts/admin_site.py).
    "certifolio.accounts.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "certifolio.common",
    "certifolio.accounts",
    "certifolio.referential",
    "certifolio.portfolio",
    "certifolio.exams",
    "certifolio.grading",
    "certifolio.credentials",
    "certifolio.demo",
    "certifolio.web",
    "certifolio.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before any view: an address with NUL or a control character gets a 400.
    "certifolio.web.errors.UnstorableAddressMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "certifolio.common.context.RequestContextMiddleware",
    "certifolio.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads a body: refuses oversized uploads, repairs part headers.
    "certifolio.web.uploads.UploadGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "certifolio.web.errors.AuditTrailBrokenMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "certifolio.urls"
CSRF_FAILURE_VIEW = "certifolio.web.errors.csrf_failure"
WSGI_APPLICATION = "certifolio.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# SQLite is set up for concurrent writers: WAL journal, a busy timeout and IMMEDIATE
# transactions (Django's defaults answer "database is locked" under a few writers).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'certifolio.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
else:
    # Tests on a server get a database name of their own, never one that something else
    # on that server uses (pytest-xdist adds _gw0, _gw1…; SQLite tests run in memory).
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "certifolio_test")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt while the account or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:certifications"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 3600)
# Days an invitation link stays valid.
INVITATION_VALIDITY_DAYS = env_int("INVITATION_VALIDITY_DAYS", 7)
# Roles that must log in with a second factor (TOTP); an empty list makes it optional.
TWO_FACTOR_REQUIRED_ROLES = env_list("TWO_FACTOR_REQUIRED_ROLES", "manager,juror")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "certifolio")
# django-otp's own throttling would refuse a right code typed just after a wrong one;
# wrong codes count as failed logins towards the account lockout instead (see below).
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Longest and default lifetime of a personal API token, in days.
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90)

# Lockout (django-axes): after AXES_FAILURE_LIMIT failures (wrong passwords or second-factor
# codes) an account is locked for AXES_COOLOFF_TIME hours, from every address; resetting
# the password or a manager's unlock lifts it sooner. An address alone is throttled only
# after AXES_ADDRESS_FAILURE_LIMIT failures over all accounts (certifolio's own setting,
# see accounts/lockout.py), which the people of one office behind one address do not reach.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 100)
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"], "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "certifolio.accounts.lockout.lockout_response"
# Failures are cleared by a full login (the password, then the second factor if the
# person uses one), not by the password alone: see accounts/lockout.py.
AXES_RESET_ON_SUCCESS = False
AXES_HANDLER = "certifolio.accounts.lockout.LockoutHandler"
AXES_VERBOSE = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
if "STATIC_ROOT" in os.environ or DATA_DIR.is_dir():
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
else:
    # Nothing collected to serve without a data folder; the finders serve the apps' files.
    STATIC_ROOT = None
# Serve static files from the apps' folders without collectstatic, in development
# and in the test suite; production runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible object storage (django-storages reads the AWS_* variables itself).
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "certifolio@localhost")

# Background work (django-tasks): the database backend keeps the tasks in the database,
# and `certifolio db_worker` runs them (`rundemo` starts one beside the server).
# TASKS_BACKEND=immediate runs each task at once in the process that queues it, as the
# test suite does (tests/conftest.py).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": TASK_BACKENDS[os.environ.get("TASKS_BACKEND", "database")],
        "QUEUES": ["default"],
    }
}
# Convocations: attempts to send one e-mail before it is reported failed, and the wait
# before the first retry in seconds (doubled at each further one).
CONVOCATION_MAX_ATTEMPTS = env_int("CONVOCATION_MAX_ATTEMPTS", 3)
CONVOCATION_RETRY_SECONDS = env_int("CONVOCATION_RETRY_SECONDS", 60)

# Content-Security-Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Security headers that cost nothing behind HTTP or HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
CSRF_COOKIE_HTTPONLY = True
if env_bool("HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Portfolio files: limit per file and quota per candidate, in megabytes.
PORTFOLIO_MAX_FILE_MB = env_int("PORTFOLIO_MAX_FILE_MB", 50)
PORTFOLIO_QUOTA_MB = env_int("PORTFOLIO_QUOTA_MB", 1024)
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Base of the URIs of exported CASE items (their identifiers are the items' UUIDs).
CASE_URI_BASE = os.environ.get("CASE_URI_BASE", "urn:certifolio:")

# The meeting link of a remote oral; {session} and {oral} are replaced by their UUIDs.
ORAL_MEETING_URL_TEMPLATE = os.environ.get(
    "ORAL_MEETING_URL_TEMPLATE", "https://visio.example.org/certifolio/{oral}"
)

# The certifier's seal of the minutes (PAdES, docs/minutes.md): a PKCS#12 file (key and
# certificate chain) and its password (empty: not encrypted); by default the development
# key that `certifolio make_signing_key` (and `rundemo`) makes in the data folder. With a
# time-stamping server (RFC 3161) the seal reaches PAdES B-T, else B-B.
# SEAL_TRUST_ROOTS: the PEM file of the roots a sealed PDF is verified against.
SEAL_PKCS12_PATH = env_path("SEAL_PKCS12_PATH", DATA_DIR / "seal" / "seal.p12")
SEAL_PKCS12_PASSWORD = os.environ.get("SEAL_PKCS12_PASSWORD", "")
SEAL_TSA_URL = os.environ.get("SEAL_TSA_URL", "")
SEAL_TRUST_ROOTS = env_path("SEAL_TRUST_ROOTS", DATA_DIR / "seal" / "root.pem")

# The address where certifolio is reached from outside, without a trailing slash: the
# links printed on certificates, in their QR codes, credentials and e-mails start with it.
PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Results: a session's candidates are told by e-mail; attempts before a notice is
# reported failed (the wait between them is CONVOCATION_RETRY_SECONDS's).
RESULT_NOTICE_MAX_ATTEMPTS = env_int("RESULT_NOTICE_MAX_ATTEMPTS", 3)

# The CPF declaration of holders to the Caisse des Dépôts (docs/cpf.md): the client
# number of the certifier's CDC file (8 characters, such as 03VML243) and the contract
# number of its declarations (such as MCFCER000209), both given by the CDC when the
# certifier registers for the "accrochage". Empty until then: no file can be built.
CPF_CLIENT_ID = os.environ.get("CPF_CLIENT_ID", "")
CPF_CONTRACT_ID = os.environ.get("CPF_CONTRACT_ID", "")
# What a certificate and a block attestation must say that the data does not hold
# (docs/certificates.md): the place of issue, and the name and capacity of the person who
# signs for the certifier. Empty by default, so that no document is issued in anyone's
# name until the certifier says whose; the demo sets them. A document refuses to be drawn
# up while one is empty.
CERTIFICATE_PLACE_OF_ISSUE = os.environ.get("CERTIFICATE_PLACE_OF_ISSUE", "")
CERTIFICATE_SIGNATORY_NAME = os.environ.get("CERTIFICATE_SIGNATORY_NAME", "")
CERTIFICATE_SIGNATORY_TITLE = os.environ.get("CERTIFICATE_SIGNATORY_TITLE", "")
# The issuer's keys for verifiable credentials (docs/developer/credentials-formats.md): a
# folder with an RSA key (VC-JWT, RS256) and an Ed25519 key (Data Integrity proofs), PEM
# files that `certifolio make_credential_keys` makes; by default in the data folder.
CREDENTIALS_KEY_DIR = env_path("CREDENTIALS_KEY_DIR", DATA_DIR / "credential-keys")

# Where the seed title's referential ships inside the package.
SEED_REFERENTIAL = BASE_DIR / "referential" / "data" / "expert-ingenierie-informatique.yaml"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Public verification of certificates and credentials: the most requests one client may
# make per minute (pages and API together) before it is asked to wait.
VERIFY_RATE_LIMIT_PER_MINUTE = env_int("VERIFY_RATE_LIMIT_PER_MINUTE", 60)
