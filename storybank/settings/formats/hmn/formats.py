"""H'Mông pages read the Vietnamese interface (month names included), so they take its formats."""

from django.conf.locale.vi.formats import *  # noqa: F403
