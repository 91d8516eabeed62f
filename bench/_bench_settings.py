"""The project's settings, with the load benchmarks' URLs (the one-write yardstick)."""

from certifolio.settings import *  # noqa: F403

ROOT_URLCONF = "_bench_urls"
