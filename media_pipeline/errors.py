"""Why a file was refused, in words for people and a code for machines.

Every check of the ingest raises :class:`IngestError` with one of the codes
below; the admin shows ``message``, the bulk import prints it after the row
number, and an API answers ``{"error": code, "message": message}`` (422).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: code -> message shown to the person who uploaded the file.
REFUSALS = {
    "empty": _("The file is empty (0 bytes)."),
    "too-large": _("The file is larger than the limit of %(limit)s MB."),
    "too-many-pixels": _(
        "The picture declares %(pixels)s megapixels; the limit is %(limit)s megapixels. "
        "Export a smaller version (for example 6000 × 4000)."
    ),
    "unrecognised": _(
        "The content of this file is not a picture, video, audio or document we accept, "
        "whatever its name says."
    ),
    "unsupported-format": _("%(format)s files are not accepted. Accepted: %(accepted)s."),
    "svg-refused": _(
        "SVG drawings are refused because they can carry scripts. Upload a PNG export instead."
    ),
    "corrupt": _("The file is damaged or truncated and cannot be read completely (%(detail)s)."),
    "wrong-kind": _("This file is a picture: upload it as an image so that it gets renditions."),
    "active-content": _("The document contains macros or scripts (%(detail)s). Save it without them."),
    "encrypted": _("The document is password-protected. Upload a version without a password."),
    "invalid-metadata": _("The asset's details are incomplete or invalid: %(detail)s"),
    "busy": _("The server is busy with other large pictures. Try again in a minute."),
}


class IngestError(Exception):
    """A file the media pipeline refuses; ``code`` is one of :data:`REFUSALS`."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {self.message}")

    @property
    def message(self) -> str:
        return str(REFUSALS[self.code]) % self.params if self.params else str(REFUSALS[self.code])

    def as_json(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}
