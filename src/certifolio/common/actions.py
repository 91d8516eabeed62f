"""The names of the audit actions, declared by each app that records them.

An app that records audit events keeps an ``audit_actions`` module whose ``ACTIONS``
dict maps each action code (``area.what_happened``) to its label. ``action_labels``
finds those modules through the app registry, so ``common`` imports no data app and a
new app adds its actions without editing a central list.
"""

from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

MODULE = "audit_actions"


@cache
def action_labels() -> dict[str, str]:
    """Every installed app's action labels (lazy translations), by action code."""
    labels: dict[str, str] = {}
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, MODULE):
            labels.update(import_module(f"{config.name}.{MODULE}").ACTIONS)
    return labels
