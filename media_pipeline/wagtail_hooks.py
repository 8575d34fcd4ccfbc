"""Wagtail hooks of the media pipeline: the ``brandframe`` image operation."""

from wagtail import hooks

from .brand_frame import BrandFrameOperation


@hooks.register("register_image_operations")
def register_brand_frame() -> list[tuple[str, type]]:
    return [("brandframe", BrandFrameOperation)]
