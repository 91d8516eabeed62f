import os
import subprocess
import sys


def _certifolio(*arguments, cwd, **environment):
    # The settings of this run are left behind: the command reads its own environment.
    base = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {"CERTIFOLIO_DATA_DIR", "DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "certifolio", *arguments],
        cwd=cwd,
        env={**base, **environment},
        capture_output=True,
        text=True,
        check=False,
    )


def _no_database_message(database, data_dir) -> str:
    return (
        f"certifolio found no database tables in {database}.\n"
        "Run the command from the folder that holds the data folder, set "
        f"CERTIFOLIO_DATA_DIR to the data folder (now {data_dir}), or create the database "
        "with `certifolio migrate`.\n"
    )


def test_command_run_outside_the_project_folder_says_where_it_looked(tmp_path):
    completed = _certifolio("audit_verify", cwd=tmp_path)

    assert completed.returncode == 1
    assert completed.stderr == _no_database_message(
        tmp_path / "var" / "certifolio.sqlite3", tmp_path / "var"
    )
    assert list(tmp_path.iterdir()) == []


def test_command_on_an_empty_data_folder_says_where_it_looked(tmp_path):
    completed = _certifolio("audit_verify", cwd=tmp_path, CERTIFOLIO_DATA_DIR=str(tmp_path))

    assert completed.returncode == 1
    assert completed.stderr == _no_database_message(tmp_path / "certifolio.sqlite3", tmp_path)


def test_command_that_needs_no_database_runs_without_a_data_folder(tmp_path):
    completed = _certifolio("help", "audit_verify", cwd=tmp_path)

    assert completed.returncode == 0
    assert "--checkpoint" in completed.stdout
    assert list(tmp_path.iterdir()) == []


def test_migrate_creates_the_data_folder_from_nothing(tmp_path):
    migrated = _certifolio("migrate", "--verbosity", "0", cwd=tmp_path)
    verified = _certifolio("audit_verify", cwd=tmp_path)

    assert (migrated.returncode, migrated.stderr) == (0, "")
    assert sorted(path.name for path in (tmp_path / "var").iterdir()) == [
        "certifolio.sqlite3",
        "secret_key",
        "static",
    ]
    assert (verified.returncode, verified.stdout) == (0, "Audit trail intact: 0 events.\n")
