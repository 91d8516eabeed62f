"""Browser tests: Playwright driving the system's Chromium (never a downloaded one)."""

import os
import shutil
import threading

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags a headless Chromium needs on a closed network and as root in CI.
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI") == "true":
        # On CI the browser tests must run: a missing browser is a failure, not a skip.
        raise pytest.UsageError(
            f"Chromium not found at {CHROMIUM}: CI must install it (`apt-get install chromium`)."
        )
    skip = pytest.mark.skip(
        reason="Chromium not found: install it (Debian: `apt-get install chromium`) or set "
        "CHROMIUM_PATH; CI installs it and runs these tests."
    )
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (Playwright loads only for browser tests)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def one_request_at_a_time(live_server):
    """The live server answers one request at a time. With SQLite in memory its threads
    share the test's single connection, and two requests at once (two autosaves, two
    people's pages) would collide there ("database table is locked"), which a server
    process with its own connections does not; the browser still sends them
    concurrently, they just queue."""
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            response = app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()

    httpd.set_app(serialised)
    yield
    httpd.set_app(app)


@pytest.fixture
def contexts(browser):
    """Browser contexts of their own (one per person), accepting downloads, closed after
    the test."""
    opened = []

    def new_context():
        context = browser.new_context(locale="fr-FR", accept_downloads=True)
        opened.append(context)
        return context

    yield new_context
    for context in opened:
        context.close()
