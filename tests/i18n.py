"""Interface text as people read it, for assertions on messages.

The product speaks Vietnamese unless a person chose another language, so a
test looking for a message looks for its translation, not for the English
msgid that happens to be written in the code.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]")


def shown(msgid: str, language: str = settings.LANGUAGE_CODE) -> str:
    """The longest fixed part of ``msgid`` as it reads in ``language``
    (Vietnamese by default): what a test can look for in a message without
    rebuilding its placeholders."""
    with translation.override(language):
        text = gettext(msgid)
    return max(PLACEHOLDER.split(text), key=len).strip()
