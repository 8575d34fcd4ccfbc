"""Demo content of other apps (partners and feeds, analytics, highlights…).

An app adds demo data by putting a ``demo_content.py`` module next to its
models that registers a loader::

    from storybank.demo.registry import register_demo_loader

    @register_demo_loader
    def load_partners(command) -> None:
        ...  # idempotent: look up by stable keys, create what is missing
        command.count("partners")  # counts appear in the loader's report

``load_demo`` imports every app's ``demo_content`` after the core content
(taxonomy, images, pages) exists, and runs the loaders inside its
transaction, in ``INSTALLED_APPS`` order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DemoLoader = Callable[[Any], None]

demo_loaders: list[DemoLoader] = []


def register_demo_loader(loader: DemoLoader) -> DemoLoader:
    if loader not in demo_loaders:
        demo_loaders.append(loader)
    return loader


def run_app_demo_loaders(command: Any) -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo_content")
    for loader in demo_loaders:
        loader(command)
