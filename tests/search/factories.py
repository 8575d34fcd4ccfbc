"""Small builders of real content for the search tests (saved through the
models, so the index hears about them like any other change)."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.images import ImageFile
from PIL import Image

from storybank.assets.models import LaoCaiImage, MediaAsset


def jpeg_bytes(colour: tuple[int, int, int] = (40, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def make_image(title: str, **fields: Any) -> LaoCaiImage:
    fields.setdefault("credit", "Ảnh: Kiểm thử / Báo Lào Cai")
    image = LaoCaiImage(title=title, file=ImageFile(io.BytesIO(jpeg_bytes()), name="test.jpg"), **fields)
    image.save()
    return image


def make_document(title: str, **fields: Any) -> MediaAsset:
    from django.core.files.base import ContentFile

    fields.setdefault("credit", "Sở Văn hóa, Thể thao và Du lịch")
    fields.setdefault("media_kind", "document")
    asset = MediaAsset(title=title, file=ContentFile(b"%PDF-1.4 test", name="test.pdf"), **fields)
    asset.save()
    return asset
