"""Fixtures of the public site's tests."""

from tests.site.browser import browser  # noqa: F401 (fixture of the browser tests)
