"""The ``certifolio`` console command: runs any Django management command."""

import os
import sys

from django.core.management import execute_from_command_line


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certifolio.settings")

    execute_from_command_line(["certifolio", *sys.argv[1:]])


if __name__ == "__main__":
    main()
