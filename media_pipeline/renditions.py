"""Named renditions for every platform, made once and cached by Wagtail.

``render(image, "facebook", "webp", branded=True)`` returns a Wagtail
rendition (a row in ``LaoCaiRendition`` and a file in storage); asking again
returns the same one. Crops follow the image's focal point.

``PipelineFilter`` is Wagtail's ``Filter`` with a faster decode: a 24 MP JPEG
master is decoded in JPEG draft mode at the smallest DCT scale (1/2, 1/4,
1/8) that still covers the output, and the crop computed on the full image
(focal point included) is scaled to it. It also drops any EXIF/XMP left on
images that were stored before the pipeline existed, so no rendition carries
GPS or camera serial numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from PIL import Image as PILImage
from PIL import ImageOps
from wagtail.images.models import AbstractImage, AbstractRendition, Filter
from wagtail.images.rect import Rect
from willow.plugins.pillow import PillowImage

from storybank.assets.models import LaoCaiImage


@dataclass(frozen=True)
class Preset:
    """A named rendition: its Wagtail filter spec (the contract other parts
    rely on), the label editors read, and whether it is a social-network
    size that may carry the brand frame (province mark and credit line)."""

    name: str
    spec: str
    label: Any
    social: bool = False

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) the spec asks for: exact for ``fill-``, the bounding box for ``max-``."""
        width, height = self.spec.split("-", 1)[1].split("x")
        return int(width), int(height)


#: Every preset, by name, in the order they are offered.
PRESETS: dict[str, Preset] = {preset.name: preset for preset in (
    Preset("thumbnail", "fill-400x300", _("Thumbnail (400 × 300)")),
    Preset("web", "max-1600x1600", _("Web (1600 px long edge)")),
    Preset("facebook", "fill-1200x630", _("Facebook / link share (1200 × 630)"), social=True),
    Preset("instagram", "fill-1080x1350", _("Instagram portrait (1080 × 1350)"), social=True),
    Preset("stories", "fill-1080x1920", _("TikTok / Reels / Stories (1080 × 1920)"), social=True),
    Preset("youtube", "fill-1280x720", _("YouTube thumbnail (1280 × 720)"), social=True),
)}

#: Output format -> the filter spec part that produces it.
FORMATS = {"jpeg": "format-jpeg|jpegquality-82", "webp": "format-webp|webpquality-80"}
EXTENSIONS = {"jpeg": "jpg", "webp": "webp"}
MIME_TYPES = {"jpeg": "image/jpeg", "webp": "image/webp"}

#: How long a queued rendition is not queued again (the worker makes it well within this).
QUEUED_MARK_SECONDS = 600

#: Metadata keys Pillow keeps in ``info`` that must not reach a rendition.
PRIVATE_INFO_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "comment", "iptc")


def filter_spec(preset: str, fmt: str = "jpeg", branded: bool = False) -> str:
    """The Wagtail filter spec of ``preset`` in ``fmt``; ``branded`` applies to social presets only."""
    if preset not in PRESETS:
        raise KeyError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
    if fmt not in FORMATS:
        raise KeyError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    spec = f"{PRESETS[preset].spec}|{FORMATS[fmt]}"
    if branded and PRESETS[preset].social:
        spec += "|brandframe"
    return spec


def render(image: AbstractImage, preset: str, fmt: str = "jpeg", branded: bool = False) -> AbstractRendition:
    """The rendition of ``image`` for ``preset`` (made on first use, then cached)."""
    return image.get_rendition(PipelineFilter(filter_spec(preset, fmt, branded)))


def rendition_if_ready(image: Any, preset: str, fmt: str = "jpeg", branded: bool = False) -> AbstractRendition | None:
    """The rendition when it is made, or cheap enough to make now; None while
    the worker makes it. A picture larger than ``MEDIA_RENDER_INLINE_MAX_PIXELS``
    is not decoded inside a request: its rendition is queued once (further
    askers find it queued) and the asker is told to come back."""
    wanted = PipelineFilter(filter_spec(preset, fmt, branded))
    try:
        return image.find_existing_rendition(wanted)
    except image.get_rendition_model().DoesNotExist:
        pass
    inline_limit = int(getattr(settings, "MEDIA_RENDER_INLINE_MAX_PIXELS", 40_000_000))
    if (image.width or 0) * (image.height or 0) <= inline_limit:
        return image.get_rendition(wanted)
    if cache.add(f"media:rendition-queued:{image.pk}:{wanted.spec}", True, QUEUED_MARK_SECONDS):
        make_rendition_task.enqueue(image.pk, preset, fmt, branded)  # the immediate backend makes it here
    try:
        return image.find_existing_rendition(wanted)
    except image.get_rendition_model().DoesNotExist:
        return None


@task()
def make_rendition_task(image_id: int, preset: str, fmt: str, branded: bool) -> bool:
    """Make one preset rendition of a large picture off the request that asked
    for it (the ``tasks`` worker); False when the image is gone."""
    image = LaoCaiImage.objects.filter(pk=image_id).first()
    if image is None:
        return False
    render(image, preset, fmt, branded=branded)
    return True


class PipelineFilter(Filter):
    """Wagtail's Filter with draft-mode JPEG decoding and metadata stripping."""

    def run(self, image: AbstractImage, output: Any, source: Any = None) -> Any:
        with self.decoded(image, source) as (willow, crop, size):
            willow = willow.crop(crop).resize(size)
            env: dict[str, Any] = {"original-format": "jpeg"}
            for operation in self.filter_operations:
                willow = operation.run(willow, image, env) or willow
            output_format = env.get("output-format", "png" if willow.has_alpha() else "jpeg")
            if output_format == "jpeg":
                if willow.has_alpha():
                    willow = willow.set_background_color_rgb((255, 255, 255))
                return willow.save_as_jpeg(output, quality=env.get("jpeg-quality", 82), progressive=True,
                                           optimize=True)
            if output_format == "webp":
                return willow.save_as_webp(output, quality=env.get("webp-quality", 80))
            if output_format == "png":
                return willow.save_as_png(output, optimize=True)
            return willow.save_as_gif(output) if output_format == "gif" else willow.save_as_jpeg(output)

    @contextmanager
    def decoded(self, image: AbstractImage, source: Any = None) -> Iterator[tuple[PillowImage, Rect, tuple]]:
        """The decoded picture, the crop rectangle in its pixels and the output size."""
        opener = nullcontext(source) if source is not None else image.open_file()
        with opener as file:
            file.seek(0)
            picture = PILImage.open(file)
            orientation = picture.getexif().get(0x0112, 1) if picture.format in ("JPEG", "WEBP", "PNG") else 1
            oriented = picture.size[::-1] if orientation in (5, 6, 7, 8) else picture.size
            # The whole transform (focal point, crop, output size) on the full picture.
            transform = self.get_transform(image, oriented)
            crop = transform.get_rect()
            if picture.format == "JPEG" and orientation == 1:
                scale = min(1.0, max(transform.size[0] / crop.width, transform.size[1] / crop.height))
                picture.draft(picture.mode if picture.mode in ("L", "CMYK") else "RGB",
                              (math.ceil(oriented[0] * scale), math.ceil(oriented[1] * scale)))
            picture.load()
            if orientation != 1:
                picture = ImageOps.exif_transpose(picture)
            for key in PRIVATE_INFO_KEYS:
                picture.info.pop(key, None)
            factor = picture.size[0] / oriented[0]
            if factor != 1:
                crop = Rect(crop.left * factor, crop.top * factor, crop.right * factor, crop.bottom * factor)
            crop = Rect(
                max(0, round(crop.left)), max(0, round(crop.top)),
                min(picture.size[0], round(crop.right)), min(picture.size[1], round(crop.bottom)),
            )
            yield PillowImage(picture), crop, transform.size


def rendition_bytes(rendition: AbstractRendition) -> bytes:
    """The rendition's file, read from whichever storage holds it."""
    with rendition.file.open("rb") as file:
        return file.read()
