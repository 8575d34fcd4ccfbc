"""Responsive images: WebP renditions at several widths for ``srcset``.

Renditions go through the media pipeline's ``PipelineFilter`` (draft-mode
JPEG decoding, metadata stripped) and are made once, then served from
storage. Each shape names an aspect ratio and the widths offered; ``sizes``
tells the browser how wide the image is laid out, so a phone downloads the
400-pixel file and a wide screen the 1600-pixel one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from media_pipeline.renditions import PipelineFilter

WEBP = "format-webp|webpquality-78"


@dataclass(frozen=True)
class Shape:
    widths: tuple[int, ...]
    ratio: tuple[int, int] | None  # None keeps the image's own proportions
    sizes: str

    def spec(self, width: int) -> str:
        if self.ratio is None:
            return f"width-{width}|{WEBP}"
        height = round(width * self.ratio[1] / self.ratio[0])
        return f"fill-{width}x{height}-c100|{WEBP}"


SHAPES: dict[str, Shape] = {
    # Full-width hero of a story, product, culture entry and the home page.
    "hero": Shape((640, 1024, 1600), (16, 9), "(min-width: 75rem) 72rem, 100vw"),
    # Cards in a grid: one column on phones, two on tablets, three or four on desktops.
    "card": Shape((400, 800), (3, 2), "(min-width: 64rem) 22rem, (min-width: 40rem) 45vw, 100vw"),
    # Images inside a story's text column.
    "inline": Shape((640, 1024, 1400), None, "(min-width: 48rem) 46rem, 100vw"),
    # The picture of a photo page, large: its own proportions, up to the wide screen's width.
    "photo": Shape((640, 1024, 1600, 2400), None, "(min-width: 80rem) 76rem, 100vw"),
    # Gallery tiles and place photos.
    "tile": Shape((400, 800), (4, 3), "(min-width: 64rem) 22rem, (min-width: 40rem) 45vw, 100vw"),
}


def responsive_img(image: Any, shape_name: str, *, css_class: str = "", loading: str = "lazy",
                   alt: str | None = None) -> str:
    """``<img>`` with ``srcset`` (WebP, width descriptors), ``sizes``, intrinsic size and alt text."""
    shape = SHAPES[shape_name]
    filters = [PipelineFilter(shape.spec(width)) for width in shape.widths]
    renditions = image.get_renditions(*filters)
    made = [renditions[f.spec] for f in filters]
    # Small originals give several renditions of the same width: offer each width once.
    unique = {rendition.width: rendition for rendition in made}
    default = made[min(1, len(made) - 1)]
    srcset = format_html_join(", ", "{} {}w", ((r.url, width) for width, r in sorted(unique.items())))
    # Alt text in the page's language, else the Vietnamese one, marked so screen readers pronounce it right.
    alt, alt_language = image.localized("alt") if alt is None else (alt, get_language())
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}{}{}{}>',
        default.url, srcset, shape.sizes, default.width, default.height, alt,
        format_html(' lang="{}"', alt_language) if alt_language != get_language() else "",
        format_html(' class="{}"', css_class) if css_class else "",
        format_html(' loading="{}"', loading) if loading else "",
        mark_safe(' decoding="async"' if loading == "lazy" else ' fetchpriority="high"'),
    )
