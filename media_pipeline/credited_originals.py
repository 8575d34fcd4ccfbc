"""The original a journalist downloads carries its credit too.

Renditions get their IPTC/XMP from the ``credits`` filter operation
(``embedded_metadata``); an original is no rendition, so its credited copy
is made here, once per version of its metadata: the stored master is left
exactly as ingested (sanitised, no EXIF), and ``credited_originals/<id>/``
holds a copy with caption, credit, creator, copyright, licence URL, the
permanent id and the photo page written in. The copy's name is a digest of
what was written, so a changed credit or caption makes a new copy and the
old one is deleted. Nothing links to these names: ``/media/`` answers 404
for them (``stored_files.asset_of`` does not know them) and only the press
route ``/press/images/<id>/original/``, after the visibility check, hands
one out (streamed, or a signed URL on S3).

GIFs are served as stored: exiv2 writes no metadata into them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import posixpath

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile

from storybank.assets.models import LaoCaiImage

from .embedded_metadata import embed_metadata, metadata_fields

logger = logging.getLogger(__name__)

FOLDER = "credited_originals"
#: Formats exiv2 writes XMP and IPTC into.
CREDITABLE = frozenset({"jpg", "jpeg", "png", "webp", "tif", "tiff"})


def extension_of(image: LaoCaiImage) -> str:
    """The stored master's extension, lower case (``jpeg`` stays ``jpeg``)."""
    return image.file.name.rsplit(".", 1)[-1].lower()


def credited_name(image: LaoCaiImage) -> str:
    """Where the credited copy of this version of ``image`` is kept."""
    xmp, iptc = metadata_fields(image)
    fingerprint = json.dumps([image.file.name, xmp, iptc], sort_keys=True, default=str, ensure_ascii=False)
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:24]
    return f"{FOLDER}/{image.pk}/{digest}.{extension_of(image)}"


def credited_original(image: LaoCaiImage) -> FieldFile:
    """The file to hand out as ``image``'s original: its credited copy, made
    now if this version of its metadata has none yet."""
    if extension_of(image) not in CREDITABLE:
        return image.file
    storage = image.file.storage
    name = credited_name(image)
    if not storage.exists(name):
        with image.file.open("rb") as master:
            credited = embed_metadata(master.read(), image)
        name = storage.save(name, ContentFile(credited))
        forget_other_versions(image, keep=name)
    return FieldFile(image, image._meta.get_field("file"), name)


def forget_other_versions(image: LaoCaiImage, *, keep: str = "") -> None:
    """Delete ``image``'s credited copies other than ``keep``."""
    storage = image.file.storage
    folder = f"{FOLDER}/{image.pk}"
    try:
        _folders, names = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for filename in names:
        name = posixpath.join(folder, filename)
        if name != keep:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not delete the old credited original %s", name, exc_info=True)
