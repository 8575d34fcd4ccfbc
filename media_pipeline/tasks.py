"""Background work of the media pipeline (Django's task framework: immediate
in development and tests, the database queue with ``manage.py db_worker`` in
production)."""

from __future__ import annotations

from django_tasks import task


@task()
def make_rendition_task(image_id: int, preset: str, fmt: str, branded: bool) -> bool:
    """Make one preset rendition of a large picture off the request that asked
    for it; False when the image is gone."""
    from storybank.assets.models import LaoCaiImage

    from .renditions import render

    image = LaoCaiImage.objects.filter(pk=image_id).first()
    if image is None:
        return False
    render(image, preset, fmt, branded=branded)
    return True
