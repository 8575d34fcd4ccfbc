"""Lightboxes over HTTP (Django's test client, the demo content, a real database):
gathering, owner-only editing, the private link, the ZIP and its credits, withdrawn items."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Locale, ModelLogEntry

from storybank.analytics.models import DailyCount, DownloadType, Metric
from storybank.assets.models import LaoCaiImage, MediaAsset
from storybank.core.visibility import PRESS_GROUP_NAME, public_pages
from storybank.governance.audit import EXPORT_ACTION
from storybank.lightboxes.models import Lightbox, LightboxItem
from storybank.public.cache import CACHE_HEADER
from storybank.stories.models import StoryPage
from tests.exiftool import read_back

pytestmark = pytest.mark.django_db

TERRACES = "Ruộng bậc thang Y Tý mùa nước đổ"
PRESS_ONLY = "Băng tuyết Sa Pa"


def press_account(username: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", "x")
    user.groups.add(Group.objects.get_or_create(name=PRESS_GROUP_NAME)[0])
    return user


@pytest.fixture
def journalist(client, demo):
    user = press_account("journalist")
    client.force_login(user)
    return user


@pytest.fixture
def terraces(demo):
    return LaoCaiImage.objects.get(title=TERRACES)


@pytest.fixture
def story(demo):
    return public_pages(StoryPage.objects.filter(locale__language_code="en")).order_by("pk").first()


def add(client, kind: str, object_id: int, lightbox: str = "new", new_name: str = "", next: str = ""):
    return client.post("/en/lightboxes/add/", {"kind": kind, "object_id": object_id, "lightbox": lightbox,
                                               "new_name": new_name, "next": next})


#: What a browser sends (the analytics count people, not scripts).
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36",
           "HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "vi"}


def counted(metric: str) -> dict[str, int]:
    """Lightbox downloads counted so far, by kind."""
    totals: dict[str, int] = {}
    for kind, count in DailyCount.objects.filter(metric=metric, detail=DownloadType.LIGHTBOX).values_list(
            "kind", "count"):
        totals[kind] = totals.get(kind, 0) + count
    return totals


def zip_of(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_a_journalist_creates_renames_and_deletes_lightboxes(client, journalist):
    response = client.post("/vi/lightboxes/", {"name": "Mùa lúa chín"})
    lightbox = Lightbox.objects.get(owner=journalist)
    assert response.status_code == 302 and response["Location"] == f"/vi/lightboxes/{lightbox.pk}/"
    assert lightbox.name == "Mùa lúa chín"
    again = client.post("/en/lightboxes/", {"name": "Mùa lúa chín"})
    assert again.status_code == 400 and "You already have a lightbox with this name." in again.content.decode()
    listing = unescape(client.get("/en/lightboxes/").content.decode())
    assert f'<a href="/en/lightboxes/{lightbox.pk}/">Mùa lúa chín</a>' in listing and "0 items" in listing
    assert client.post(f"/en/lightboxes/{lightbox.pk}/rename/", {"name": "Y Tý"}).status_code == 302
    assert Lightbox.objects.get(pk=lightbox.pk).name == "Y Tý"
    assert client.post(f"/en/lightboxes/{lightbox.pk}/rename/", {"name": ""}).status_code == 400
    unconfirmed = client.post(f"/en/lightboxes/{lightbox.pk}/delete/")  # the box not ticked: nothing deleted
    assert unconfirmed.status_code == 400 and "Tick the box to confirm" in unconfirmed.content.decode()
    assert Lightbox.objects.filter(pk=lightbox.pk).exists()
    assert client.post(f"/en/lightboxes/{lightbox.pk}/delete/", {"confirm": "yes"}).status_code == 302
    assert not Lightbox.objects.filter(pk=lightbox.pk).exists()


def test_gathering_from_the_photo_page_a_story_and_search_results(client, journalist, terraces, story):
    photo_page = f"/en/photos/{terraces.pk}/"
    html = client.get(photo_page).content.decode()
    assert 'action="/en/lightboxes/add/"' in html and "Add to lightbox" in html
    back_to_picker = f"{photo_page}#lightbox-picker-image-{terraces.pk}"  # a phone returns to the form, not the top
    assert f'name="next" value="{back_to_picker}"' in html and f'id="lightbox-picker-image-{terraces.pk}"' in html
    response = add(client, "image", terraces.pk, new_name="Terraces", next=photo_page)
    assert response.status_code == 302 and response["Location"] == photo_page  # back where the journalist was
    lightbox = Lightbox.objects.get(owner=journalist, name="Terraces")
    shown = unescape(client.get(photo_page).content.decode())
    assert f"“{TERRACES}” added to “Terraces”." in shown and f'<option value="{lightbox.pk}">Terraces</option>' in shown
    assert "Already in: “Terraces”" in shown  # the picker itself says where the item is
    add(client, "image", terraces.pk, lightbox=str(lightbox.pk))  # a second time: still one item
    assert lightbox.items.count() == 1
    assert 'action="/en/lightboxes/add/"' in client.get(story.url).content.decode()
    assert add(client, "page", story.pk, lightbox=str(lightbox.pk)).status_code == 302
    search = client.get("/en/search/", {"q": "Y Tý", "kind": "image"}).content.decode()
    assert f'name="object_id" value="{terraces.pk}"' in search
    assert [item.target for item in lightbox.items.all()] == [terraces, story.page_ptr]
    # The lightbox shows a story in the viewer's language when that version is published.
    vi_story = story.get_translation(Locale.objects.get(language_code="vi"))
    assert f'href="{vi_story.url}"' in client.get(f"/vi/lightboxes/{lightbox.pk}/").content.decode()
    # A name typed while the list shows an existing lightbox makes a new one, as the journalist meant.
    assert add(client, "image", terraces.pk, lightbox=str(lightbox.pk), new_name="Y Tý mới").status_code == 302
    assert Lightbox.objects.get(owner=journalist, name="Y Tý mới").items.get().image == terraces
    # Bad input is a message, not an error page: an unknown item, someone else's lightbox, a missing name.
    assert add(client, "image", 999999, lightbox=str(lightbox.pk)).status_code == 404
    assert add(client, "page", story.get_parent().pk, lightbox=str(lightbox.pk)).status_code == 404  # an index
    assert add(client, "image", terraces.pk, lightbox="new", new_name=" ").status_code == 400
    hidden = LaoCaiImage.objects.exclude(pk=terraces.pk).first()
    LaoCaiImage.objects.filter(pk=hidden.pk).update(awaiting_review=True)  # nobody approved it: not to be named
    assert add(client, "image", hidden.pk, lightbox=str(lightbox.pk)).status_code == 404
    other = Lightbox.objects.create(owner=press_account("someone-else"), name="Theirs")
    refused = add(client, "image", terraces.pk, lightbox=str(other.pk))
    assert refused.status_code == 400 and "Choose one of your lightboxes." in refused.content.decode()
    assert not other.items.exists()


def test_a_removed_item_can_be_put_back_once_in_its_place_with_its_note(client, journalist, terraces, story):
    lightbox = Lightbox.objects.create(owner=journalist, name="Sa Pa")
    other = Lightbox.objects.create(owner=journalist, name="Khác")
    first = LightboxItem.objects.create(lightbox=lightbox, image=terraces, note="Bìa số tháng Chín")
    LightboxItem.objects.create(lightbox=lightbox, page=story.page_ptr)
    page, restore = f"/en/lightboxes/{lightbox.pk}/", f"/en/lightboxes/{lightbox.pk}/items/restore/"
    assert client.post(f"{page}items/{first.pk}/remove/")["Location"] == page
    assert f"“{TERRACES}” removed." in unescape(client.get(f"/en/lightboxes/{other.pk}/").content.decode())
    assert "items/restore/" not in client.get(f"/en/lightboxes/{other.pk}/").content.decode()  # only its own
    assert client.post(f"/en/lightboxes/{other.pk}/items/restore/").status_code == 400 and not other.items.exists()
    shown = unescape(client.get(page).content.decode())
    assert f'action="{restore}"' in shown and f"put “{TERRACES}” back" in shown  # (the message went to the other page)
    assert [item.page for item in lightbox.items.all()] == [story.page_ptr]
    assert "items/restore/" not in client.get(page).content.decode()  # offered once, on the next page only
    assert client.post(restore)["Location"] == page  # what comes back is what the session remembers
    assert [(item.target, item.note) for item in lightbox.items.all()] == [  # back first, as it was
        (terraces, "Bìa số tháng Chín"), (story.page_ptr, "")]
    assert f"“{TERRACES}” is back in “Sa Pa”." in unescape(client.get(page).content.decode())
    again = client.post(restore)  # a second click: nothing left to put back, and said so
    assert again.status_code == 400 and "cannot be put back" in again.content.decode() and lightbox.items.count() == 2
    # An item nobody may gather any more (sent back to review meanwhile) is not put back.
    client.post(f"{page}items/{lightbox.items.get(image=terraces).pk}/remove/")
    LaoCaiImage.objects.filter(pk=terraces.pk).update(awaiting_review=True)
    assert client.post(restore).status_code == 400 and not lightbox.items.filter(image=terraces).exists()


def test_the_header_offers_my_lightboxes_to_a_signed_in_press_account_and_to_nobody_else(client, demo):
    link = '<a href="/en/lightboxes/">My lightboxes</a>'
    caches[settings.PUBLIC_PAGE_CACHE_ALIAS].clear()  # whatever an earlier test cached
    anonymous = [client.get("/en/") for _ in range(2)]
    assert [response[CACHE_HEADER] for response in anonymous] == ["miss", "hit"]  # still one page for everyone
    assert link not in anonymous[0].content.decode()
    client.force_login(User.objects.create_user("reader", "reader@example.com", "x"))
    assert link not in client.get("/en/").content.decode()  # signed in without a press account
    client.force_login(press_account("journalist"))
    own_page = client.get("/en/")
    assert CACHE_HEADER not in own_page and link in own_page.content.decode()
    listing = client.get("/en/lightboxes/").content.decode()
    assert '<a href="/en/lightboxes/" aria-current="page">My lightboxes</a>' in listing
    client.logout()
    assert client.get("/en/")[CACHE_HEADER] == "hit" and link not in client.get("/en/").content.decode()


def test_only_press_accounts_have_lightboxes_and_only_their_own(client, journalist, terraces):
    theirs = Lightbox.objects.create(owner=press_account("rival"), name="Rival")
    item = LightboxItem.objects.create(lightbox=theirs, image=terraces)
    for url in (f"/en/lightboxes/{theirs.pk}/", f"/en/lightboxes/{theirs.pk}/download/?size=web"):
        assert client.get(url).status_code == 404
    for url in ("rename/", "delete/", "share/", f"items/{item.pk}/remove/", f"items/{item.pk}/note/", "items/restore/"):
        assert client.post(f"/en/lightboxes/{theirs.pk}/{url}", {"name": "Mine", "note": "x"}).status_code == 404
    assert Lightbox.objects.get(pk=theirs.pk).name == "Rival" and theirs.items.count() == 1
    client.logout()
    signed_out = client.get("/en/lightboxes/")  # sent to the journalists' sign-in, and back afterwards
    assert signed_out["Location"] == "/en/press-accounts/sign-in/?next=/en/lightboxes/"
    assert client.get(signed_out["Location"]).status_code == 200
    client.force_login(User.objects.create_user("reader", "reader@example.com", "x"))
    refused = client.get("/en/lightboxes/")
    assert refused.status_code == 403 and "Lightboxes are for approved press accounts." in refused.content.decode()
    assert "Add to lightbox" not in client.get(f"/en/photos/{terraces.pk}/").content.decode()


def test_private_link_is_read_only_serves_press_only_to_the_press_and_can_be_revoked(client, journalist, terraces):
    press_only = LaoCaiImage.objects.get(title=PRESS_ONLY)
    lightbox = Lightbox.objects.create(owner=journalist, name="Snow")
    LightboxItem.objects.create(lightbox=lightbox, image=terraces)
    LightboxItem.objects.create(lightbox=lightbox, image=press_only)
    client.post(f"/en/lightboxes/{lightbox.pk}/share/", {"action": "share"})
    token = Lightbox.objects.get(pk=lightbox.pk).share_token
    assert len(token) >= 40
    owner_page = client.get(f"/en/lightboxes/{lightbox.pk}/").content.decode()
    assert f"/en/lightboxes/shared/{token}/" in owner_page and f"/en/photos/{press_only.pk}/" in owner_page

    client.logout()
    shared = client.get(f"/en/lightboxes/shared/{token}/")
    html = unescape(shared.content.decode())
    assert shared.status_code == 200 and "no-store" in shared["Cache-Control"]
    assert "csrfmiddlewaretoken" not in html and "Remove" not in html  # read-only
    assert f'<a href="/en/photos/{terraces.pk}/">{TERRACES}</a>' in html
    assert "Press only" in html and f"/en/photos/{press_only.pk}/" not in html  # named, never linked or shown
    assert html.count("<img ") == 1  # the public photo's thumbnail alone
    names = zip_of(client.get(f"/en/lightboxes/shared/{token}/download/", {"size": "thumbnail"})).namelist()
    pictures = [name for name in names if name.endswith(".jpg")]  # the press-only photo is not in the link's ZIP
    assert len(pictures) == 1 and pictures[0].startswith(f"01-lao-cai-{terraces.pk}-")

    client.force_login(journalist)
    client.post(f"/en/lightboxes/{lightbox.pk}/share/", {"action": "share"})  # a new link ends the old one
    assert client.get(f"/en/lightboxes/shared/{token}/").status_code == 404
    client.post(f"/en/lightboxes/{lightbox.pk}/share/", {"action": "revoke"})
    assert Lightbox.objects.get(pk=lightbox.pk).share_token is None
    assert client.get(f"/en/lightboxes/shared/{token}/download/?size=web").status_code == 404


def test_zip_has_every_file_in_the_size_with_credits_and_leaves_withdrawn_items_out(client, journalist, terraces,
                                                                                  story):
    lightbox = Lightbox.objects.create(owner=journalist, name="Assignment")
    retracted, expired = LaoCaiImage.objects.exclude(pk=terraces.pk).filter(
        licence="cc-by-4.0", retracted_at__isnull=True, awaiting_review=False)[:2]
    LaoCaiImage.objects.filter(pk=retracted.pk).update(retracted_at=timezone.now())
    LaoCaiImage.objects.filter(pk=expired.pk).update(rights_expire_on=timezone.localdate().replace(year=2020))
    video = MediaAsset(title="Phim: Chợ phiên Bắc Hà", media_kind="video", credit="Đài PT-TH Lào Cai",
                       licence="cc-by-4.0", file=ContentFile(b"\x00\x00\x00\x18ftypmp42 test", name="cho-phien.mp4"))
    video.save()
    for target in ({"image": terraces}, {"image": retracted}, {"page": story}, {"media": video}, {"image": expired}):
        LightboxItem.objects.create(lightbox=lightbox, **target)
    LightboxItem.objects.filter(lightbox=lightbox, image=terraces).update(note="Front page, Monday")

    vi_story = story.get_translation(Locale.objects.get(language_code="vi"))  # what a Vietnamese page shows
    page = unescape(client.get(f"/vi/lightboxes/{lightbox.pk}/").content.decode())
    assert page.count('data-status="withdrawn"') == 2 and page.count("Đã gỡ") >= 2
    assert f"/vi/photos/{retracted.pk}/" not in page  # no link, no thumbnail from a withdrawn file

    archive = zip_of(client.get(f"/vi/lightboxes/{lightbox.pk}/download/", {"size": "web", "format": "jpeg"},
                                **BROWSER))
    names = archive.namelist()
    # Each file served counts as a download of its asset or page, by a press account too; the ZIP is audited.
    expected = {"image": 1, "video": 1, story.kind: 1}
    assert counted(Metric.DOWNLOAD) == expected and counted(Metric.PRESS_DOWNLOAD) == expected
    export = ModelLogEntry.objects.filter(action=EXPORT_ACTION).latest("pk")
    assert export.user == journalist and export.data["kind"] == "lightbox" and export.data["what"] == "Assignment"
    assert export.data["format"] == "zip web"
    assert names == [f"01-lao-cai-{terraces.pk}-" + names[0].split("-", 4)[4], f"03-{vi_story.slug}.txt",
                     f"04-lao-cai-{video.pk}-phim-cho-phien-bac-ha.mp4", "CREDITS.txt"]
    assert names[0].endswith("-web.jpg")
    credits = archive.read("CREDITS.txt").decode()
    for name in names[:-1]:
        assert name in credits
    assert f"Ghi nguồn: {terraces.credit}" in credits and "Ghi nguồn: Đài PT-TH Lào Cai" in credits  # the label in vi
    assert "Giấy phép: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)" in credits
    assert terraces.caption_for("vi") in credits and "Front page, Monday" in credits
    assert f"/vi/photos/{terraces.pk}/" in credits and vi_story.get_full_url() in credits
    assert re.search(rf"02\. {re.escape(retracted.title)} \(Đã gỡ\)", credits)
    assert re.search(rf"05\. {re.escape(expired.title)} \(Đã gỡ\)", credits)
    assert archive.read(names[2]).startswith(b"\x00\x00\x00\x18ftyp")
    assert vi_story.title in archive.read(names[1]).decode()
    tags = read_back(archive.read(names[0]))  # exiftool reads what exiv2 wrote
    assert tags["XMP-photoshop:Credit"] == terraces.credit == tags["IPTC:Credit"]
    assert tags["XMP-xmpRights:WebStatement"] == "https://creativecommons.org/licenses/by/4.0/"


def test_bad_size_and_an_empty_lightbox_are_explained(client, journalist, terraces):
    lightbox = Lightbox.objects.create(owner=journalist, name="Empty")
    empty = client.get(f"/en/lightboxes/{lightbox.pk}/download/", {"size": "web"})
    assert empty.status_code == 400 and "This lightbox has nothing you may download." in empty.content.decode()
    LightboxItem.objects.create(lightbox=lightbox, image=terraces)
    for query in ({"size": "poster"}, {}, {"size": "web", "format": "tiff"}):
        bad = client.get(f"/en/lightboxes/{lightbox.pk}/download/", query)
        assert bad.status_code == 400 and "Unknown size or format." in bad.content.decode()


def test_an_item_is_exactly_one_thing(journalist, terraces, story):
    lightbox = Lightbox.objects.create(owner=journalist, name="Rules")
    for fields in ({}, {"image": terraces, "page": story}):
        with pytest.raises(IntegrityError), transaction.atomic():
            LightboxItem.objects.create(lightbox=lightbox, **fields)
