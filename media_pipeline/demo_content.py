"""Demo data of the media pipeline: perceptual hashes of the demo photos, so
near-duplicate warnings work on the demo bank too. Idempotent."""

from __future__ import annotations

from typing import Any

from PIL import Image

from storybank.assets.models import LaoCaiImage

from .inspection import difference_hash


def load_demo_content(command: Any) -> None:
    for image in LaoCaiImage.objects.filter(perceptual_hash=""):
        with image.open_file() as file:
            picture = Image.open(file)
            picture.draft("RGB", (256, 256))
            value = difference_hash(picture.convert("RGB"))
        # update(), not save(): the photo itself did not change, so no content_changed.
        LaoCaiImage.objects.filter(pk=image.pk).update(perceptual_hash=value)
        command.count("perceptual hashes")
