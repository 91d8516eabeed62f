from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the seed title and demo accounts, then serve (development)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo")
        self.stdout.write(f"\ncertifolio is served on http://{addrport}/ (Ctrl-C to stop)\n")
        # No auto-reloader: it would run this whole command again in a child process.
        call_command("runserver", addrport, use_reloader=False)
