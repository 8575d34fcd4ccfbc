"""Fixtures of the lightbox tests."""

from tests.site.browser import browser  # noqa: F401 (fixture of the browser test)
