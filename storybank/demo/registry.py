"""Demo content of other apps (partners and feeds, analytics, highlights…).

An app adds demo data by putting a ``demo_content.py`` module next to its
models with one function::

    def load_demo_content(command) -> None:
        ...  # idempotent: look up by stable keys, create what is missing
        command.count("partners")  # counts appear in the loader's report

``load_demo`` runs them after the core content (taxonomy, images, pages)
exists, inside its transaction, in ``INSTALLED_APPS`` order. The apps import
nothing from the demo: it is found by its name, as Django finds ``admin.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

DemoLoader = Callable[[Any], None]


def app_demo_loaders() -> list[DemoLoader]:
    """Every installed app's ``demo_content.load_demo_content``, in ``INSTALLED_APPS`` order."""
    return [
        import_module(f"{app.name}.demo_content").load_demo_content
        for app in apps.get_app_configs()
        if module_has_submodule(app.module, "demo_content")
    ]


def run_app_demo_loaders(command: Any) -> None:
    for loader in app_demo_loaders():
        loader(command)
