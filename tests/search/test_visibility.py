"""Only live, approved, public items with valid rights are found; changes show at once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from wagtail import hooks
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Page, PageViewRestriction

from search.query import SearchQuery
from search.service import search
from storybank.assets.models import LaoCaiImage
from storybank.core.choices import ConsentStatus
from storybank.stories.models import StoryIndexPage, StoryPage
from tests.search.factories import make_image

pytestmark = pytest.mark.django_db

FANSIPAN = "Chinh phục Fansipan – nóc nhà Đông Dương"


def found(text: str, **options) -> list[tuple[str, int]]:
    return [(hit.object_type, hit.object_id) for hit in search(SearchQuery(text=text, per_page=100, **options)).hits]


def fansipan_story() -> StoryPage:
    return StoryPage.objects.get(title=FANSIPAN)


def test_unpublished_and_deleted_pages_disappear_at_once(search_backend, index_now):
    story = fansipan_story()
    assert ("page", story.pk) in found("Fansipan")
    story.unpublish()
    index_now()
    assert ("page", story.pk) not in found("Fansipan")
    assert ("page", story.pk) in found("Fansipan", include_unpublished=True)  # editors still find it

    story.get_latest_revision().publish()
    index_now()
    assert ("page", story.pk) in found("Fansipan")

    Page.objects.get(pk=story.pk).delete()
    index_now()
    assert ("page", story.pk) not in found("Fansipan", include_unpublished=True)


def test_unpublishing_an_index_page_withdraws_its_children(search_backend, index_now, admin_user):
    stories = StoryIndexPage.objects.get(locale__language_code="vi")
    before = found("Fansipan", kind=("story",), locale=("vi",))
    assert before
    UnpublishPageAction(stories, user=admin_user, include_descendants=True).execute()
    index_now()
    assert found("Fansipan", kind=("story",), locale=("vi",)) == []


def test_private_pages_are_not_public(search_backend, index_now):
    story = fansipan_story()
    PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.LOGIN)
    story.save_revision().publish()
    index_now()
    assert ("page", story.pk) not in found("Fansipan")
    assert ("page", story.pk) in found("Fansipan", include_unpublished=True)


def test_a_restriction_on_a_parent_page_withdraws_its_children_at_once(search_backend, index_now):
    story = fansipan_story()
    restriction = PageViewRestriction.objects.create(
        page=story.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    index_now()
    assert ("page", story.pk) not in found("Fansipan")
    restriction.delete()
    index_now()
    assert ("page", story.pk) in found("Fansipan")


def test_expired_rights_are_filtered_at_query_time(search_backend, index_now):
    image = make_image("Ảnh quyền hạn chế Sa Pa", rights_expire_on=timezone.localdate())
    index_now()
    assert ("image", image.pk) in found("quyền hạn chế")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert ("image", image.pk) not in found("quyền hạn chế", at=tomorrow)  # no re-indexing needed


def story_thumbnail(story: StoryPage) -> str:
    hits = search(SearchQuery(text="Fansipan", kind=("story",), locale=("vi",))).hits
    return next(hit.thumbnail_url for hit in hits if hit.object_id == story.pk)


def test_missing_consent_withdraws_an_image_and_the_thumbnail_of_pages_showing_it(search_backend, index_now):
    story = fansipan_story()
    thumbnail = story_thumbnail(story)
    assert thumbnail
    image = story.hero_image
    image.consent_status = ConsentStatus.MISSING
    image.save()
    index_now()
    assert ("image", image.pk) not in found(image.title)
    assert story_thumbnail(story) != thumbnail  # another usable image of the story, or none


def test_ethnic_groups_added_to_an_asset_reach_its_facets(search_backend, index_now):
    from storybank.taxonomy.models import EthnicGroup

    image = make_image("Ảnh chợ phiên Cán Cấu")
    index_now()
    assert ("image", image.pk) not in found("Cán Cấu", ethnic_group=("giay",))
    image.ethnic_groups.add(EthnicGroup.in_default_locale().get(slug="giay"))
    index_now()
    assert ("image", image.pk) in found("Cán Cấu", ethnic_group=("giay",))


def test_drafts_saved_in_the_admin_are_found_by_editors_only(search_backend, index_now, rf):
    parent = StoryIndexPage.objects.get(locale__language_code="vi")
    draft = StoryPage(title="Bản nháp: mùa hoa tam giác mạch", slug="ban-nhap-tam-giac-mach",
                      lede="Bài viết chưa duyệt.", pillar="sapa", body=[], live=False)
    parent.add_child(instance=draft)
    draft.save_revision()
    for hook in hooks.get_hooks("after_create_page"):
        hook(rf.get("/admin/"), draft)
    index_now()
    assert ("page", draft.pk) not in found("tam giac mach")
    hits = search(SearchQuery(text="tam giac mach", include_unpublished=True)).hits
    assert [(hit.object_id, hit.status) for hit in hits] == [(draft.pk, "draft")]


def test_a_new_translation_is_one_more_document(search_backend, index_now):
    image = LaoCaiImage.objects.get(title="Ga Lào Cai")
    image.localized_text = {**image.localized_text, "fr": {"alt": "Un train en gare de Lào Cai",
                                                          "caption": "La gare de Lào Cai"}}
    image.save()
    index_now()
    hits = search(SearchQuery(text="gare", locale=("fr",))).hits
    assert [(hit.object_id, hit.title) for hit in hits] == [(image.pk, "La gare de Lào Cai")]


def test_a_private_scope_shows_the_drafts_it_names_and_everything_public(search_backend, index_now):
    """The admin's bank search for a contributor (issue 15, item 9): their unit's drafts, never
    another unit's, and every public item, with totals and facets that agree with the hits."""
    parent = StoryIndexPage.objects.get(locale__language_code="vi")
    drafts = []
    for slug, title in (("ban-nhap-a", "Bản nháp hoa đỗ quyên A"), ("ban-nhap-b", "Bản nháp hoa đỗ quyên B")):
        draft = StoryPage(title=title, slug=slug, lede="Chưa duyệt.", pillar="sapa", body=[], live=False)
        parent.add_child(instance=draft)
        for hook in hooks.get_hooks("after_create_page"):  # what the admin's create view runs: drafts are indexed
            hook(None, draft)
        drafts.append(draft)
    ours, theirs = drafts
    public = fansipan_story()
    index_now()

    scope = (("page", (ours.pk,)), ("image", ()), ("media", ()))
    results = search(SearchQuery(text="hoa đỗ quyên", include_unpublished=True, private_scope=scope, per_page=100))
    keys = [(hit.object_type, hit.object_id) for hit in results.hits]
    assert ("page", ours.pk) in keys and ("page", theirs.pk) not in keys
    assert results.total == len(keys)
    assert sum(value.count for value in results.facet("kind").values) == results.total
    assert ("page", public.pk) in found("Fansipan", include_unpublished=True, private_scope=scope)
    nothing_private = (("page", ()), ("image", ()), ("media", ()))
    assert ("page", ours.pk) not in found("hoa đỗ quyên", include_unpublished=True, private_scope=nothing_private)
    if search_backend == "embedded":  # the SQL engine that answers while the tantivy index is rebuilt agrees
        from search.backends import get_backend
        from tests.search.test_embedded_index import nonzero

        backend = get_backend("embedded")
        for text, private_scope in (("hoa đỗ quyên", scope), ("hoa đỗ quyên", nothing_private), ("", scope)):
            query = SearchQuery(text=text, include_unpublished=True, private_scope=private_scope, per_page=100)
            from_index, from_database = backend.search_index(query), backend.sql.search(query)
            assert from_index.total == from_database.total > 0, text
            assert nonzero(from_index.facets) == nonzero(from_database.facets), text
            if from_database.total <= query.per_page:
                assert sorted(hit.key for hit in from_index.hits) == sorted(hit.key for hit in from_database.hits)


def test_a_retracted_story_and_image_leave_the_index_at_once(search_backend, index_now):
    """A retraction (issue 17) reaches the index through the change hub like any withdrawal: every
    language of the story and the image are gone for the public, in the embedded index and the cluster.
    The image is the test's own: retracting moves its file away once the retraction commits (index_now
    runs that), and a demo image's file would stay gone after the rollback brings its row back."""
    from django.contrib.auth import get_user_model

    from storybank.governance.retractions import request_retraction

    story = fansipan_story()
    group = list(Page.objects.filter(translation_key=story.translation_key).values_list("pk", flat=True))
    image = make_image("Ảnh cáp treo Sa Pa bị thu hồi")
    index_now()
    assert len(group) > 1 and ("page", story.pk) in found("Fansipan") and ("image", image.pk) in found(image.title)
    editor = get_user_model().objects.get(username="bientap")
    request_retraction(story, "Sai số liệu.", {"vi": "Bài viết này đã được thu hồi."}, editor)
    request_retraction(image, "Sai chú thích.", {"vi": "Ảnh này đã được thu hồi."}, editor)
    index_now()
    found_pages = {object_id for kind, object_id in found("Fansipan") if kind == "page"}
    assert not found_pages & set(group)
    assert ("image", image.pk) not in found(image.title)
