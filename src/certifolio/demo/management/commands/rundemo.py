import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from certifolio.demo.issuer import use_demo_settings

# How long the worker may take to finish the task it runs when the server stops.
WORKER_STOP_SECONDS = 30


def uses_database_tasks() -> bool:
    return settings.TASKS["default"]["BACKEND"] == settings.TASK_BACKENDS["database"]


def start_worker() -> subprocess.Popen:
    """``certifolio db_worker`` in a child process, with this process's environment.

    In a session of its own, so that Ctrl-C in the terminal reaches the server only; the
    server's end then stops the worker once, gracefully.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "certifolio", "db_worker", "--no-reload"],
        start_new_session=True,
    )


def _exit(signum, frame):
    # SIGTERM (a service manager, `kill`) stops the server as Ctrl-C does, so that the
    # worker is stopped with it rather than left running.
    sys.exit(0)


def stop_worker(worker: subprocess.Popen) -> int:
    """Ask the worker to stop after its current task; kill it if it takes too long."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=WORKER_STOP_SECONDS)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            # Too long, or a second Ctrl-C: the person wants it to stop now.
            worker.kill()
            worker.wait()
    return worker.returncode


class Command(BaseCommand):
    help = (
        "Migrate, load the seed title and demo accounts, then serve (development), with a "
        "background worker beside the server."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-worker",
            action="store_false",
            dest="worker",
            help="Do not start the background worker (e-mails then wait in the database).",
        )

    def handle(self, *args, addrport, worker, **options):
        # The demo certifier's place of issue, signatory and CPF identifiers, where the
        # environment gives none (certifolio/demo/issuer.py).
        use_demo_settings()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo")
        process = start_worker() if worker and uses_database_tasks() else None
        if process is not None:
            self.stdout.write(f"The background worker runs (process {process.pid}).")
        self.stdout.write(f"\ncertifolio is served on http://{addrport}/ (Ctrl-C to stop)\n")
        signal.signal(signal.SIGTERM, _exit)
        try:
            # No auto-reloader: it would run this whole command again in a child process.
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if process is not None:
                stop_worker(process)
