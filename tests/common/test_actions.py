"""Every audit action that code records has a label, declared by one app."""

import ast
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.utils import translation
from django.utils.module_loading import module_has_submodule

import certifolio
from certifolio.common.actions import action_labels
from certifolio.common.forms import action_label

SOURCE = Path(certifolio.__file__).parent
RECORDERS = {"record_event", "append_event"}


def _constants(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def _recorded_actions() -> dict[str, str]:
    """Action codes passed to record_event/append_event anywhere in the source."""
    found = {}
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in RECORDERS:
                for action in _constants(node.args[0]):
                    found[action] = str(path.relative_to(SOURCE))
    return found


def test_action_labels_cover_every_recorded_action():
    recorded = _recorded_actions()

    missing = {action: where for action, where in recorded.items() if action not in action_labels()}

    assert len(recorded) >= 38
    assert missing == {}


def test_action_labels_each_action_is_declared_by_one_app():
    declared = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "audit_actions"):
            declared += list(import_module(f"{config.name}.audit_actions").ACTIONS)

    assert sorted(declared) == sorted(set(declared))
    assert set(declared) == set(action_labels())


def test_action_label_is_translated_and_unknown_code_is_shown_as_is():
    with translation.override("fr"):
        labels = (action_label("referential.version_published"), action_label("x.unknown"))

    assert labels == ("Version publiée", "x.unknown")
