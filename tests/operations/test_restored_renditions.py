"""Issue 15, item 4: an image whose rights ended, withdrawn by another
process (the scheduler's ``withdraw_expired_assets``) and then restored by
an editor, answers its press renditions again: no 500 from a rendition this
process cached before the withdrawal, whose file is gone."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from storybank.assets.models import LaoCaiImage

from .processes import manage, wait_for


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_expired_image_withdrawn_elsewhere_and_restored_serves_renditions_again(tmp_path):
    from media_pipeline.ingest import ingest_image
    from tests.media_pipeline.files import jpeg, photo

    image = ingest_image(jpeg(photo((800, 600))), filename="ruong-bac-thang.jpg", title="Ruộng bậc thang",
                         credit="Ảnh: Thử nghiệm").asset
    web = client_without_exceptions()
    address = f"/press/images/{image.pk}/web/"
    assert web.get(address).status_code == 200  # rendered, and cached by this process
    LaoCaiImage.objects.filter(pk=image.pk).update(rights_expire_on=timezone.localdate() - datetime.timedelta(days=1))

    withdrawal = manage("withdraw_expired_assets", log=tmp_path / "withdraw.log")  # the scheduler's job
    wait_for(lambda: not withdrawal.alive, 120, lambda: withdrawal.output[-2000:])
    assert withdrawal.stop() == 0 and "1 asset(s) withdrawn" in withdrawal.output, withdrawal.output[-2000:]
    assert web.get(address).status_code == 410

    image = LaoCaiImage.objects.get(pk=image.pk)
    image.rights_expire_on = timezone.localdate() + datetime.timedelta(days=365)  # an editor extends the rights
    image.save()
    for preset in ("web", "thumbnail"):
        response = web.get(f"/press/images/{image.pk}/{preset}/")
        assert response.status_code == 200, response.content[:300]
        assert b"".join(response.streaming_content if response.streaming else [response.content])


def client_without_exceptions() -> Client:
    """A test client that answers 500 as a server would, instead of raising."""
    return Client(raise_request_exception=False)
