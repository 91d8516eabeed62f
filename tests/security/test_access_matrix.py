"""Every URL of the project, for every role, against docs/security/access-matrix.md.

The test walks the URL configuration itself: a URL added without a row in the matrix
fails it, and so does a row whose outcome the code no longer gives. Each URL is asked
for with the role's own objects and, where it names an object, with another person's.
Each request runs in a savepoint that is rolled back, so one URL's changes never affect
another's outcome; inside it, a row's preparation runs before the request and the write
actions' effects are checked after it.
"""

import os

import pytest

from tests.security.access_matrix import (
    OTHERS,
    OWN,
    ROLES,
    ask,
    check,
    matrix_row,
    names_an_object,
    project_urls,
    read_matrix,
)
from tests.security.matrix_credentials import ISSUE_SETTINGS
from tests.security.matrix_world import World, client_for

# Set to print every answer (to review the matrix after adding URLs): MATRIX_DUMP=1.
DUMP = bool(os.environ.get("MATRIX_DUMP"))


@pytest.mark.parametrize("role_name", ROLES)
def test_every_url_answers_each_role_as_the_matrix_says(role_name, seed_version, settings):
    for name, value in ISSUE_SETTINGS.items():
        setattr(settings, name, value)
    world = World(seed_version, role_name)
    logged_in = client_for(world, role_name)
    tables = read_matrix()
    unlisted = unlisted_urls(tables)
    wrong = []

    for key, route, named in project_urls():
        for table, objects in ((OWN, world.own), (OTHERS, world.others)):
            row = matrix_row(tables[table], key)
            if row is None:
                continue
            url, answer, effect = ask(
                world, logged_in, role_name, key, route, named, row.method, objects
            )
            problem = check(row, role_name, url, answer, effect)
            if DUMP:
                print(f"DUMP|{table}|{key}|{row.method}|{role_name}|{answer}|{effect}")
            if problem:
                wrong.append(f"{row.method} {key} ({url}, {table} objects): {problem}")

    assert unlisted == [], "URLs without a row in docs/security/access-matrix.md"
    assert wrong == []


def test_matrix_has_no_row_for_a_url_that_does_not_exist():
    keys = {key for key, _route, _named in project_urls()}

    stale = [row.key for rows in read_matrix().values() for row in rows if row.key not in keys]

    assert stale == []


def unlisted_urls(tables) -> list[str]:
    """URLs without their row: every URL in the first table, object URLs in both."""
    missing = []
    for key, route, _named in project_urls():
        if matrix_row(tables[OWN], key) is None:
            missing.append(key)
        if names_an_object(route) and matrix_row(tables[OTHERS], key) is None:
            missing.append(f"{key} (another person's objects)")
    return missing


@pytest.mark.urls("tests.security.urls_with_an_extra_page")
def test_a_url_added_without_a_row_is_caught():
    assert unlisted_urls(read_matrix()) == ["an_unlisted_page"]


@pytest.mark.urls("tests.security.urls_with_an_extra_object_page")
def test_an_object_url_added_without_its_rows_is_caught():
    assert unlisted_urls(read_matrix()) == [
        "an_unlisted_object_page",
        "an_unlisted_object_page (another person's objects)",
    ]
