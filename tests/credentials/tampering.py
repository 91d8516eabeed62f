"""Every leaf of a JSON document, and the document with one of them changed."""

import copy


def leaves(document, path=()):
    """The paths of every string, number and boolean of ``document``."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield from leaves(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from leaves(value, (*path, index))
    else:
        yield path


def altered(document, path):
    """A copy of ``document`` whose leaf at ``path`` holds another value of its type."""
    changed = copy.deepcopy(document)
    parent = changed
    for part in path[:-1]:
        parent = parent[part]
    value = parent[path[-1]]
    if isinstance(value, bool):
        parent[path[-1]] = not value
    elif isinstance(value, int | float):
        parent[path[-1]] = value + 1
    else:
        parent[path[-1]] = value + "x" if value else "x"
    return changed
