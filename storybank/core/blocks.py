"""StreamField blocks for story bodies and culture entries."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from storybank.core.choices import Pillar


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


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=255)
    images = blocks.ListBlock(ImageBlock(), label=_("Images"), min_num=2)

    class Meta:
        icon = "image"
        template = "blocks/gallery_block.html"


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

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks import StructBlockValidationError

        cleaned = super().clean(value)
        if not cleaned.get("video") and not cleaned.get("url"):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choose a video or give a video URL."))}
            )
        return cleaned


class AudioBlock(blocks.StructBlock):
    audio = DocumentChooserBlock(label=_("Audio from the asset bank"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=500)

    class Meta:
        icon = "media"
        template = "blocks/audio_block.html"


class FactBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"), max_length=120)
    value = blocks.CharBlock(label=_("Value"), max_length=255)


class FactBoxBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=255)
    facts = blocks.ListBlock(FactBlock(), label=_("Facts"))

    class Meta:
        icon = "list-ul"
        template = "blocks/fact_box_block.html"


class StoryBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
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
    """One of the three pillars on the home page."""

    pillar = blocks.ChoiceBlock(label=_("Pillar"), choices=Pillar.choices)
    heading = blocks.CharBlock(label=_("Heading"), max_length=255)
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
