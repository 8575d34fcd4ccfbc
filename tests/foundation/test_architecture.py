"""The house plan: apps are built in layers and import only the layers below
them (docs/architecture.md draws the same picture).

Every ``import`` counts, at the top of a module or inside a function: an
import hidden in a function is still a dependency. An app may import any app
of a lower layer, none of its own layer and none above it, so no two apps
import each other and there is no loop between apps.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

from storybank.core.choices import ContentKind
from storybank.core.models import content_page_models
from storybank.governance.pages import GovernedPage

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("storybank", "search", "media_pipeline")

#: The apps that define content page types, found in the app registry (a new type needs no edit here).
PAGE_TYPE_APPS = tuple(sorted({model._meta.app_config.name for model in content_page_models()}))

#: Bottom to top. Apps on one line are siblings: they may not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("storybank.settings",),  # configuration: the languages, read by every layer
    ("storybank.core",),  # text, vocabularies, visibility, the change signal, page and block bases
    ("storybank.operations",),  # keeping workers and schedules running: backoff, heartbeats, the scheduler
    ("storybank.taxonomy",),  # places, ethnic groups, topics, contributing units
    ("storybank.assets",),  # images and media
    ("storybank.analytics",),  # counting: told what to count by the layers above
    ("media_pipeline",),  # ingest, renditions, press downloads
    # roles, workflows, what may be published, rights expiry, audit │ translation status: freshness, method, review
    ("storybank.governance", "storybank.translations"),
    ("storybank.press",),  # press accounts, access requests to restricted photos, press downloads recorded
    PAGE_TYPE_APPS,  # the content page types: stories, OCOP products, culture entries…
    ("storybank.home",),  # the home page shows the content page types
    ("storybank.public", "search", "storybank.feeds"),  # the site, search, partner feeds
    ("storybank.lightboxes",),  # journalists' lightboxes: on the site's pages, zipped by the media pipeline
    ("storybank.demo",),  # demo content of every app
    ("storybank.urls", "storybank.wsgi"),  # the project's entry points
]
LAYER_OF = {app: number for number, apps in enumerate(LAYERS) for app in apps}


def app_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "storybank" and len(parts) > 1 else parts[0]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path``, relative ones resolved."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.append((node.lineno, ".".join(base + ([node.module] if node.module else []))))
            else:
                found.append((node.lineno, node.module or ""))
    return found


def app_imports() -> list[tuple[str, str, str]]:
    """(importing app, imported app, "file:line") for every import between two of our apps."""
    edges = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            source = app_of(module_name(path))
            for line, target in imported_modules(path):
                if target.split(".")[0] in PACKAGES and app_of(target) != source:
                    edges.append((source, app_of(target), f"{path.relative_to(ROOT)}:{line}"))
    return edges


def test_every_app_has_a_place_in_the_layers():
    apps = {app_of(module_name(path)) for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    apps.discard("storybank")  # the package's own __init__
    assert sorted(apps - set(LAYER_OF)) == [], "add the new app to LAYERS (and to docs/architecture.md)"


def test_no_app_imports_its_own_layer_or_one_above_it():
    wrong = [
        f"{where}: {source} (layer {LAYER_OF[source]}) imports {target} (layer {LAYER_OF[target]})"
        for source, target, where in app_imports()
        if source in LAYER_OF and target in LAYER_OF and LAYER_OF[target] >= LAYER_OF[source]
    ]
    assert wrong == []


def test_no_import_loop_between_apps():
    graph: dict[str, set[str]] = {}
    for source, target, _where in app_imports():
        graph.setdefault(source, set()).add(target)

    def loop_from(app: str, path: list[str]) -> list[str] | None:
        for target in sorted(graph.get(app, ())):
            if target in path:
                return path[path.index(target):] + [target]
            found = loop_from(target, path + [target])
            if found:
                return found
        return None

    loops = [loop for app in sorted(graph) if (loop := loop_from(app, [app]))]
    assert loops == [], " → ".join(loops[0]) if loops else ""


def test_every_content_page_type_is_governed_and_names_its_kind():
    models = content_page_models()
    assert models, "the page types are found in the app registry"
    for model in models:
        assert issubclass(model, GovernedPage), f"{model.__name__} must inherit GovernedPage"
        assert model.kind in ContentKind.values, f"{model.__name__}.kind must be a ContentKind"
    assert len({model.kind for model in models}) == len(models), "two page types share a kind"
