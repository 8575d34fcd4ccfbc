"""Every role, through real HTTP requests to the Wagtail admin: what each may
and may not do, enforced by the server (not only hidden in menus)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Collection, Page

from storybank.assets.models import LaoCaiImage
from storybank.feeds.models import Partner
from storybank.governance.models import UnitWorkspace
from storybank.governance.roles import contributors_group_name
from storybank.stories.models import StoryPage
from storybank.taxonomy.models import ContributingUnit
from tests.governance.helpers import create_story, denied, edit_url, messages_of, post_edit, story, unit, user
from tests.i18n import shown

FLAGGED_SENSITIVE = (
    "This item is flagged sensitive (%(subjects)s): it is published by the last approval of "
    "“%(workflow)s”. Submit it for review."
)

pytestmark = pytest.mark.django_db

SAPA_STORY = "homestay-ta-van"  # UBND phường Sa Pa
OTHER_UNIT_STORY = "fansipan-noc-nha-dong-duong"  # Sở VHTTDL
SENSITIVE_STORY = "cua-khau-kim-thanh-thong-thuong"  # border and foreign affairs


def latest_revision_id(page: Page) -> int:
    return Page.objects.get(pk=page.pk).latest_revision_id


# --- setup ------------------------------------------------------------------------


def test_setup_governance_is_idempotent_and_creates_every_role(demo):
    out = io.StringIO()
    call_command("setup_governance", stdout=out)
    assert "nothing changed" in out.getvalue()
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Administrators", "Editors", "Sensitive-content reviewers", "Partner managers"} <= names
    assert {f"Translators · {code}" for code in ("en", "zh-hans", "fr", "ko", "ja", "hmn")} <= names
    for contributing_unit in ContributingUnit.objects.all():
        workspace = UnitWorkspace.objects.get(unit=contributing_unit)
        assert workspace.group.name == contributors_group_name(contributing_unit)
        assert workspace.collection.name == contributing_unit.name
    assert "Moderators" not in names  # Wagtail's default group, empty, retired


def test_a_new_unit_gets_its_group_and_collection_at_once(demo):
    new = ContributingUnit.objects.create(name="UBND xã Bát Xát", slug="xa-bat-xat", kind="commune")
    workspace = UnitWorkspace.objects.get(unit=new)
    assert workspace.group.name == "Contributors · UBND xã Bát Xát"
    assert Collection.objects.filter(name="UBND xã Bát Xát").exists()
    new.name = "UBND xã Bát Xát (mới)"
    new.save()
    workspace.refresh_from_db()
    assert workspace.group.name == "Contributors · UBND xã Bát Xát (mới)"
    assert workspace.collection.name == "UBND xã Bát Xát (mới)"


# --- contributors -------------------------------------------------------------------


def test_contributor_edits_own_unit_page_but_not_another_units(as_role):
    client = as_role("contributor_sapa")
    own, other = story(SAPA_STORY), story(OTHER_UNIT_STORY)
    assert client.get(edit_url(own)).status_code == 200
    assert denied(client.get(edit_url(other)))
    before = latest_revision_id(other)
    response = client.post(edit_url(other), {"title": "Bị sửa trái phép", "slug": other.slug})
    assert denied(response)
    assert latest_revision_id(other) == before
    assert Page.objects.get(pk=other.pk).title == other.title


def test_contributor_cannot_publish_only_submit(as_role):
    client = as_role("contributor_sapa")
    own = story(SAPA_STORY)
    before = StoryPage.objects.get(pk=own.pk).live_revision_id
    response = post_edit(client, own, "publish", title="Homestay Tả Van – bản cập nhật")
    assert response.status_code == 302
    own = StoryPage.objects.get(pk=own.pk)
    assert own.live_revision_id == before  # saved as a draft, not published
    assert own.title != "Homestay Tả Van – bản cập nhật"  # the live title is unchanged
    assert own.get_latest_revision().as_object().title == "Homestay Tả Van – bản cập nhật"
    # Submitting is allowed and starts the standard review.
    post_edit(client, own, "submit")
    state = StoryPage.objects.get(pk=own.pk).current_workflow_state
    assert state is not None and state.workflow.name == "Duyệt tiêu chuẩn"


def test_contributor_creates_pages_only_for_their_own_unit(as_role):
    client = as_role("contributor_sapa")
    other = unit("so-vhttdl")
    response = create_story(client, "Bài của đơn vị khác", "bai-cua-don-vi-khac", other.pk)
    assert response.status_code == 200  # the form again, with the error
    assert "contributing_unit" in response.context["form"].errors
    assert not StoryPage.objects.filter(slug="bai-cua-don-vi-khac").exists()

    response = create_story(client, "Chợ đêm Sa Pa", "cho-dem-sa-pa", unit("phuong-sa-pa").pk, action="publish")
    assert response.status_code == 302
    created = StoryPage.objects.get(slug="cho-dem-sa-pa")
    assert created.contributing_unit.slug == "phuong-sa-pa" and not created.live
    # Their colleague in the same unit may edit it; a contributor of another unit may not.
    assert denied(as_role("contributor_press").get(edit_url(created)))


def test_contributor_works_on_assets_of_their_own_collection_only(as_role, demo):
    client = as_role("contributor_sapa")
    own_collection = UnitWorkspace.objects.get(unit__slug="phuong-sa-pa").collection
    other_collection = UnitWorkspace.objects.get(unit__slug="so-vhttdl").collection
    shared = LaoCaiImage.objects.order_by("pk").last()  # demo images live in the root collection
    theirs = LaoCaiImage.objects.order_by("pk")[1]
    LaoCaiImage.objects.filter(pk=theirs.pk).update(collection=other_collection)
    mine = LaoCaiImage.objects.order_by("pk")[2]
    LaoCaiImage.objects.filter(pk=mine.pk).update(collection=own_collection)

    assert client.get(reverse("wagtailimages:edit", args=[mine.pk])).status_code == 200
    assert denied(client.get(reverse("wagtailimages:edit", args=[theirs.pk])))
    assert denied(client.get(reverse("wagtailimages:edit", args=[shared.pk])))
    # They may still choose any image for their pages.
    chooser = client.get(reverse("wagtailimages_chooser:choose"))
    assert chooser.status_code == 200
    assert reverse("wagtailimages_chooser:chosen", args=[shared.pk]) in chooser.json()["html"]
    # The upload form offers their own collection only.
    add = client.get(reverse("wagtailimages:add"))
    assert add.status_code == 200
    form = add.context["form"]
    assert "collection" not in form.fields or list(form.fields["collection"].queryset) == [own_collection]


def test_contributor_cannot_see_partners_or_their_keys(as_role):
    client = as_role("contributor_sapa")
    partner = Partner.objects.first()
    assert denied(client.get(reverse("feeds_admin:api_keys", args=[partner.pk])))
    assert denied(client.get(reverse("wagtailsnippets_feeds_partner:list")))
    assert denied(client.get(reverse("feeds_admin:deliveries")))
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtailsnippets_feeds_partner:list") not in dashboard


def test_contributor_cannot_review_or_manage_users(as_role):
    client = as_role("contributor_sapa")
    assert denied(client.get(reverse("wagtailusers_users:index")))
    assert denied(client.get(reverse("wagtailsnippets_governance_weeklyhighlight:list")))


# --- translators -------------------------------------------------------------------------


def test_translator_edits_their_language_but_never_the_vietnamese_source(as_role):
    client = as_role("translator_en")
    source, english = story(SAPA_STORY), story(SAPA_STORY, "en")
    assert denied(client.get(edit_url(source)))
    before = latest_revision_id(source)
    assert denied(client.post(edit_url(source), {"title": "Overwritten", "slug": source.slug}))
    assert latest_revision_id(source) == before

    response = post_edit(client, english, title="Ta Van homestays (revised)")
    assert response.status_code == 302, messages_of(response)
    assert StoryPage.objects.get(pk=english.pk).get_latest_revision().as_object().title == \
        "Ta Van homestays (revised)"
    # Publishing a translation is the editors' job.
    post_edit(client, english, "publish", title="Ta Van homestays (published?)")
    assert StoryPage.objects.get(pk=english.pk).title != "Ta Van homestays (published?)"


def test_translator_cannot_edit_another_language(as_role):
    chinese = StoryPage.objects.filter(locale__language_code="zh-hans").first()
    assert denied(as_role("translator_en").get(edit_url(chinese)))
    assert as_role("translator_zh").get(edit_url(chinese)).status_code == 200


# --- editors, reviewers, partner managers, administrators -------------------------------------------


def test_editor_publishes_any_unit_but_not_a_sensitive_item_directly(as_role):
    client = as_role("editor")
    other = story(OTHER_UNIT_STORY)
    response = post_edit(client, other, "publish", lede="Fansipan, nóc nhà Đông Dương – cập nhật.")
    assert response.status_code == 302
    assert StoryPage.objects.get(pk=other.pk).lede == "Fansipan, nóc nhà Đông Dương – cập nhật."

    sensitive = story(SENSITIVE_STORY)
    html = client.get(edit_url(sensitive)).content.decode()
    assert 'name="action-publish"' not in html
    post_edit(client, sensitive, "publish", lede="Sửa trực tiếp không qua duyệt.")
    assert StoryPage.objects.get(pk=sensitive.pk).lede != "Sửa trực tiếp không qua duyệt."


def test_editor_cannot_publish_an_item_they_just_flagged_sensitive(as_role):
    client = as_role("editor")
    page = story(OTHER_UNIT_STORY)
    response = post_edit(client, page, "publish", sensitive_religion="on", lede="Vừa gắn cờ nhạy cảm.")
    assert response.status_code == 302 and response.url == edit_url(page)
    assert any(shown(FLAGGED_SENSITIVE) in message for message in messages_of(response))
    assert StoryPage.objects.get(pk=page.pk).lede != "Vừa gắn cờ nhạy cảm."


def test_reviewer_opens_only_items_on_their_review_step(as_role):
    assert denied(as_role("reviewer").get(edit_url(story(SAPA_STORY))))
    assert denied(as_role("reviewer").get(reverse("wagtailimages:add")))


def test_partner_manager_manages_partners_and_keys_but_not_pages(as_role):
    client = as_role("partner_manager")
    partner = Partner.objects.first()
    assert client.get(reverse("feeds_admin:api_keys", args=[partner.pk])).status_code == 200
    assert client.get(reverse("wagtailsnippets_feeds_partner:list")).status_code == 200
    assert client.get(reverse("feeds_admin:deliveries")).status_code == 200
    assert denied(client.get(edit_url(story(SAPA_STORY))))


def test_administrator_manages_users_groups_and_workflows_without_being_superuser(as_role):
    client = as_role("administrator")
    assert not user("administrator").is_superuser
    for name in ("wagtailusers_users:index", "wagtailusers_groups:index", "wagtailadmin_workflows:index"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(edit_url(story(SAPA_STORY))).status_code == 200
