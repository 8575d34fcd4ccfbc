"""Local development: debug on, everything embedded."""

from .base import *  # noqa: F401,F403

DEBUG = True
