"""StreamField blocks for story bodies and culture entries.

Each block renders itself for every audience: as HTML on the public site
(its template), as search text (Wagtail's ``get_searchable_content``) and as
HTML in a partner-feed item (``feed_html``, given the feed's
:class:`~storybank.core.protocols.FeedParts`). A new block type brings its
template and its ``feed_html``; a block without ``feed_html`` stays out of
feeds.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

from storybank.core.choices import Pillar
from storybank.core.protocols import FeedParts


def stream_feed_html(stream: Any, parts: FeedParts) -> str:
    """A StreamField value as feed HTML, each block rendering itself."""
    html = []
    for child in stream or []:
        render = getattr(child.block, "feed_html", None)
        if render is not None:
            html.append(render(child.value, parts))
    return "".join(part for part in html if part)


def media_link(url: str, label: str) -> str:
    return f'<p><a href="{escape(url)}">{escape(label)}</a></p>'


class ParagraphBlock(blocks.RichTextBlock):
    """Rich text; links and embeds become absolute addresses in feeds."""

    def feed_html(self, value: Any, parts: FeedParts) -> str:
        return parts.rich_text(value.source if isinstance(value, RichText) else str(value))

    def deconstruct(self) -> tuple[Any, ...]:
        # Frozen into migrations as a plain RichTextBlock, as Wagtail freezes StructBlock subclasses.
        _path, args, kwargs = super().deconstruct()
        return "wagtail.blocks.RichTextBlock", args, kwargs


class ImageBlock(blocks.StructBlock):
    """An image with a caption; the credit defaults to the asset's own."""

    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=500)
    credit = blocks.CharBlock(
        label=_("Credit"), required=False, max_length=255,
        help_text=_("Leave empty to use the credit stored with the image."),
    )

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"

    def feed_html(self, value: Any, parts: FeedParts) -> str:
        return parts.figure(value["image"], value.get("caption", ""), value.get("credit", ""))


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"

    def feed_html(self, value: Any, parts: FeedParts) -> str:
        footer = f"<footer>{escape(value['attribution'])}</footer>" if value.get("attribution") else ""
        return f"<blockquote><p>{escape(value['text'])}</p>{footer}</blockquote>"


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=255)
    images = blocks.ListBlock(ImageBlock(), label=_("Images"), min_num=2)

    class Meta:
        icon = "image"
        template = "blocks/gallery_block.html"

    def feed_html(self, value: Any, parts: FeedParts) -> str:
        title = f"<h3>{escape(value['title'])}</h3>" if value.get("title") else ""
        image_block = self.child_blocks["images"].child_block
        return title + "".join(image_block.feed_html(item, parts) for item in value["images"])


class VideoBlock(blocks.StructBlock):
    """A video from the asset bank, or an external link (YouTube, Facebook).

    External videos are rendered as a link with a thumbnail, not fetched at
    render time, so a page never waits on another site.
    """

    video = DocumentChooserBlock(label=_("Video from the asset bank"), required=False)
    url = blocks.URLBlock(label=_("External video URL"), required=False)
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=500)

    class Meta:
        icon = "media"
        template = "blocks/video_block.html"

    def clean(self, value: Any) -> Any:
        cleaned = super().clean(value)
        if not cleaned.get("video") and not cleaned.get("url"):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choose a video or give a video URL."))}
            )
        return cleaned

    def feed_html(self, value: Any, parts: FeedParts) -> str:
        """The bank's video when it may leave, else the external link, if any."""
        asset, caption = value.get("video"), value.get("caption", "")
        item = parts.media(asset) if asset is not None else None
        if item is not None:
            return media_link(item["url"], caption or asset.title)
        return media_link(value["url"], caption or value["url"]) if value.get("url") else ""


class AudioBlock(blocks.StructBlock):
    audio = DocumentChooserBlock(label=_("Audio from the asset bank"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=500)

    class Meta:
        icon = "media"
        template = "blocks/audio_block.html"

    def feed_html(self, value: Any, parts: FeedParts) -> str:
        asset = value.get("audio")
        item = parts.media(asset) if asset is not None else None
        return media_link(item["url"], value.get("caption", "") or asset.title) if item is not None else ""


class FactBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"), max_length=120)
    value = blocks.CharBlock(label=_("Value"), max_length=255)


class FactBoxBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=255)
    facts = blocks.ListBlock(FactBlock(), label=_("Facts"))

    class Meta:
        icon = "list-ul"
        template = "blocks/fact_box_block.html"

    def feed_html(self, value: Any, parts: FeedParts) -> str:
        facts = "".join(f"<dt>{escape(fact['label'])}</dt><dd>{escape(fact['value'])}</dd>" for fact in value["facts"])
        return f"<aside><h3>{escape(value['title'])}</h3><dl>{facts}</dl></aside>"


class StoryBodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock(
        label=_("Paragraph"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
        template="blocks/paragraph_block.html",
    )
    image = ImageBlock(label=_("Image"))
    quote = QuoteBlock(label=_("Quote"))
    gallery = GalleryBlock(label=_("Gallery"))
    video = VideoBlock(label=_("Video"))
    fact_box = FactBoxBlock(label=_("Fact box"))


class CultureBodyBlock(StoryBodyBlock):
    audio = AudioBlock(label=_("Audio"))


class PillarBlock(blocks.StructBlock):
    """One of the three pillars on the home page. Its heading is the
    pillar's name (``Pillar``), so a pillar has one name per language
    everywhere: kickers, filters, feeds and the home page."""

    pillar = blocks.ChoiceBlock(label=_("Pillar"), choices=Pillar.choices)
    text = blocks.TextBlock(label=_("Text"))
    image = ImageChooserBlock(label=_("Image"), required=False)

    class Meta:
        icon = "pick"


class SellerBlock(blocks.StructBlock):
    """Where to buy an OCOP product."""

    name = blocks.CharBlock(label=_("Shop or seller"), max_length=255)
    address = blocks.CharBlock(label=_("Address"), required=False, max_length=255)
    phone = blocks.CharBlock(label=_("Phone"), required=False, max_length=40)
    url = blocks.URLBlock(label=_("Website or online shop"), required=False)

    class Meta:
        icon = "site"

    def feed_html(self, value: Any, parts: FeedParts) -> str:
        details = "".join(f", {escape(value[key])}" for key in ("address", "phone") if value.get(key))
        return f"<li>{escape(value['name'])}{details}</li>"
