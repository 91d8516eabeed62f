"""Where certifolio keeps its data, for the settings and the ``certifolio`` command."""

import os
from pathlib import Path

# The commands that set things up, and only they, create the data folder: any other
# command run from the wrong folder must not leave an empty database behind.
CREATING_COMMANDS = frozenset({"migrate", "rundemo", "collectstatic"})


def data_dir() -> Path:
    """``CERTIFOLIO_DATA_DIR``, else ``var`` in the current folder."""
    return Path(os.environ.get("CERTIFOLIO_DATA_DIR", "var")).resolve()
