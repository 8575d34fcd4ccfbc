"""Fixtures of the operations tests: the feeds tests' loopback webhook receiver."""

from tests.feeds.conftest import receiver  # noqa: F401 (a fixture)
