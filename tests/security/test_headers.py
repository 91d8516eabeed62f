import os
import subprocess
import sys

from django.test import Client
from django.urls import reverse


def test_pages_send_the_security_headers(client, db):
    response = client.get(reverse("web:certifications"))

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_carry_no_inline_script_or_style(client, seed_version):
    response = client.get(reverse("web:certification", args=[seed_version.certification.slug]))

    assert "<script" not in response.text
    assert " style=" not in response.text
    assert "<style" not in response.text


def test_forms_are_protected_against_csrf(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("web:login"), {"username": "a@example.org", "password": "x"})

    assert response.status_code == 403


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    environment = {
        **os.environ,
        "HTTPS": "1",
        "SECRET_KEY": "a-long-production-secret-" + "x" * 60,
        "ALLOWED_HOSTS": "certification.example.fr",
        "CERTIFOLIO_DATA_DIR": str(tmp_path),
        "DEBUG": "0",
    }
    # The browser tests allow Django's ORM beside Playwright's event loop; production never.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    completed = subprocess.run(
        [sys.executable, "-m", "certifolio", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "System check identified no issues" in completed.stdout


def test_https_settings_turn_on_hsts_and_secure_cookies(tmp_path):
    environment = {**os.environ, "HTTPS": "1", "CERTIFOLIO_DATA_DIR": str(tmp_path)}
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT)"
    )

    completed = subprocess.run(  # noqa: S603 - our own settings
        [
            sys.executable,
            "-c",
            f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
            f" 'certifolio.settings'); django.setup(); {code}",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.stdout.split() == ["31536000", "True", "True", "True"]
