"""Helpers of the browser tests: Chromium through Playwright, axe-core and screenshots."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest
from django.conf import settings

#: Where screenshots are written (``var/`` is ignored by git).
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "screenshots"
#: axe-core, as shipped inside the pinned ``axe-playwright-python`` package.
AXE_SOURCE = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}
#: Anything but the live server (map tiles, share buttons' targets) is refused: the tests stay on this machine.
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])")


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium (Debian's) for one test; use it as a fixture by importing it."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        yield chromium
        chromium.close()


def keep_local(page) -> None:
    page.route(OUTSIDE, lambda route: route.abort())


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_SOURCE)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [node["target"] for node in v["nodes"]][:5]}
        for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS
    ]


def assert_accessible(page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core on {label} ({page.url}): {violations}"


def load_lazy_images(page) -> None:
    """Full-page screenshots: fetch the images below the fold too."""
    page.evaluate("() => document.querySelectorAll('img[loading=lazy]').forEach(img => img.loading = 'eager')")
    page.wait_for_function("() => Array.from(document.images).every(img => img.complete)")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    load_lazy_images(page)
    page.evaluate("() => document.fonts.ready")
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
