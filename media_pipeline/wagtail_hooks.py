"""Wagtail hooks of the media pipeline: the ``brandframe`` and ``credits`` image operations."""

from wagtail import hooks

from .brand_frame import BrandFrameOperation
from .embedded_metadata import CreditsOperation


@hooks.register("register_image_operations")
def register_brand_frame() -> list[tuple[str, type]]:
    return [("brandframe", BrandFrameOperation), ("credits", CreditsOperation)]
