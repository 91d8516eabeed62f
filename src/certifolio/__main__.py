"""The ``certifolio`` console command: runs any Django management command."""

import os
import sys

from django.conf import settings
from django.core.management import execute_from_command_line
from django.db import DatabaseError, connection

from certifolio.datadir import CREATING_COMMANDS, data_dir


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certifolio.settings")
    arguments = sys.argv[1:]
    if arguments and arguments[0] in CREATING_COMMANDS:
        # Before the settings are read (lazily, by the command), so that they keep the
        # secret key there.
        data_dir().mkdir(parents=True, exist_ok=True)

    try:
        execute_from_command_line(["certifolio", *arguments])
    except DatabaseError:
        message = _no_database_message()
        if message is None:
            raise
        sys.stderr.write(message)
        sys.exit(1)


def _no_database_message() -> str | None:
    """What to do, when the command failed because the database has no tables."""
    connection.close()
    try:
        if connection.introspection.table_names():
            return None
    except DatabaseError:
        pass  # The database cannot even be opened: no tables either.
    database = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        database = f"the database {database} on {connection.settings_dict['HOST'] or 'localhost'}"
    return (
        f"certifolio found no database tables in {database}.\n"
        "Run the command from the folder that holds the data folder, set "
        f"CERTIFOLIO_DATA_DIR to the data folder (now {settings.DATA_DIR}), or create the "
        "database with `certifolio migrate`.\n"
    )


if __name__ == "__main__":
    main()
