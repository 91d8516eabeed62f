"""Shared start-up of the benchmarks: Django on a fresh SQLite database in a temp folder."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import django
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

ROOT = Path(__file__).resolve().parents[1]


def setup_django() -> None:
    """Point certifolio at a throw-away data folder (unless DATABASE_URL says otherwise)."""
    os.environ.setdefault("CERTIFOLIO_DATA_DIR", tempfile.mkdtemp(prefix="certifolio-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certifolio.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    sys.path.insert(0, str(ROOT))
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def timed(function, *, repeat: int) -> tuple[float, float]:
    """Median and best wall time of ``function`` over ``repeat`` runs, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def minimal_view_ms(*, repeat: int) -> tuple[float, float]:
    """Median and best time of the smallest Django view, through the same middleware.

    Page timings are reported as a ratio to it, so that a figure read on a busy machine
    still says how much the page costs beyond Django itself.
    """
    with override_settings(ROOT_URLCONF="_minimal_urls"):
        client = Client()
        client.get("/minimal/")
        return timed(lambda: client.get("/minimal/"), repeat=repeat)


def report(**values) -> None:
    """The one machine-readable line every benchmark ends with."""
    print("RESULT " + " ".join(f"{key}={value}" for key, value in values.items()))
