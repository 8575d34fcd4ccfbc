"""The brand frame of social renditions: the province's mark and the credit line.

A dark band along the bottom of the picture carries, on the left, the mark
(the PNG at ``MEDIA_BRAND_MARK_PATH`` when the province supplies its official
logo, otherwise a drawn red badge with two peaks and "LÀO CAI") and, on the
right, the asset's credit and licence. Text is set in DejaVu Sans, shipped in
``fonts/`` because it covers every Vietnamese diacritic.

It is a Wagtail filter operation (``brandframe``) whose cache key varies with
the credit and licence, so changing the credit makes new renditions.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from PIL import Image, ImageDraw, ImageFont
from wagtail.images.image_operations import FilterOperation
from willow.plugins.pillow import PillowImage

FONTS = Path(__file__).resolve().parent / "fonts"
BRAND_RED = (200, 16, 46)
WORDMARK = "LÀO CAI"


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


@lru_cache(maxsize=8)
def official_mark(height: int) -> Image.Image | None:
    path = getattr(settings, "MEDIA_BRAND_MARK_PATH", "")
    if not path:
        return None
    mark = Image.open(path).convert("RGBA")
    mark.thumbnail((height * 4, height))
    return mark


def drawn_mark(height: int) -> Image.Image:
    """A red badge with two white peaks (Fansipan and its neighbour)."""
    badge = Image.new("RGBA", (height, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(badge)
    draw.rounded_rectangle([0, 0, height - 1, height - 1], radius=height // 5, fill=BRAND_RED + (255,))
    base = round(height * 0.78)
    draw.polygon([(height * 0.12, base), (height * 0.42, height * 0.22), (height * 0.66, base)], fill="white")
    draw.polygon([(height * 0.42, base), (height * 0.66, height * 0.40), (height * 0.90, base)],
                 fill=(255, 255, 255, 200))
    return badge


def fit_text(draw: ImageDraw.ImageDraw, text: str, typeface: ImageFont.FreeTypeFont, width: int) -> str:
    """``text`` shortened with an ellipsis until it fits in ``width`` pixels."""
    if draw.textlength(text, font=typeface) <= width:
        return text
    while text and draw.textlength(text + "…", font=typeface) > width:
        text = text[:-1]
    return text.rstrip() + "…" if text else ""


def draw_brand_frame(picture: Image.Image, credit_line: str) -> Image.Image:
    """``picture`` with the band drawn over its bottom rows (only the band is
    recomposited, which keeps the frame cheap on 1080 × 1920 stories)."""
    width, height = picture.size
    band = max(24, round(min(width, height) * 0.08))
    padding = band // 5
    mark_size = band - 2 * padding
    strip = picture.crop((0, height - band, width, height)).convert("RGBA")
    layer = Image.new("RGBA", strip.size, (0, 0, 0, 150))
    draw = ImageDraw.Draw(layer)

    mark = official_mark(mark_size) or drawn_mark(mark_size)
    layer.alpha_composite(mark, (padding, padding))
    x = padding + mark.width + padding
    if official_mark(mark_size) is None:
        wordmark_font = font(max(10, round(mark_size * 0.5)), bold=True)
        draw.text((x, band / 2), WORDMARK, font=wordmark_font, fill="white", anchor="lm")
        x += round(draw.textlength(WORDMARK, font=wordmark_font)) + 2 * padding

    credit_font = font(max(9, round(mark_size * 0.42)))
    credit = fit_text(draw, credit_line, credit_font, width - x - padding)
    draw.text((width - padding, band / 2), credit, font=credit_font, fill="white", anchor="rm")

    strip.alpha_composite(layer)
    framed = picture.copy() if picture.mode in ("RGB", "RGBA") else picture.convert("RGB")
    framed.paste(strip if framed.mode == "RGBA" else strip.convert("RGB"), (0, height - band))
    return framed


class BrandFrameOperation(FilterOperation):
    """``brandframe``: draw the brand frame on the resized picture."""

    vary_fields = ("credit", "licence")

    def construct(self) -> None:
        pass

    def run(self, willow: Any, image: Any, env: dict) -> PillowImage:
        picture = willow.get_pillow_image()
        # Always in the site's default language: the cache key does not vary by language.
        with translation.override(settings.LANGUAGE_CODE):
            credit_line = image.credit_line()
        return PillowImage(draw_brand_frame(picture, credit_line))
