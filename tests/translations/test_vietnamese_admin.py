"""A Vietnamese admin (#14 item 7): an editor whose language is Vietnamese
reads Wagtail's and wagtail-localize's own buttons, statuses and workflow
actions in Vietnamese on the page editor, the workflow action menu, the
translation editor, the image and document libraries and uploaders, the
snippets, Settings › Users and Groups and the press and retraction screens
(``locales/wagtail`` supplies what their catalogues lack or get wrong), and
the review workflows bear Vietnamese names."""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Task, Workflow
from wagtail.users.models import UserProfile

from storybank.press.models import AccessRequest, PressApplication
from storybank.taxonomy.models import Place

from .conftest import PEOPLE, fresh, story

pytestmark = pytest.mark.django_db

SLUG = "fansipan-noc-nha-dong-duong"

#: What an English-speaking Wagtail shows most on these screens, as text or as an accessible label.
ENGLISH = {
    "Save draft", "Publish", "Unpublish", "Preview", "Comments", "Content", "Promote", "Status", "Live", "Draft",
    "More actions", "Actions", "Toggle sidebar", "Skip to main content", "Visit the live page", "View history",
    "Set schedule", "Change privacy", "Checks", "Switch locales", "Translate this page", "Approve",
    "Approve with comment", "Request changes", "Request changes with comment", "Submit for moderation",
    "In Moderation", "Cancel workflow", "Keyboard shortcuts", "Bold", "Italic", "Loading", "Search",
    "Sync translated pages", "Convert to alias page", "Up to date", "Translations", "Save changes",
    "Compare with live version", "See full history", "View details", "Submitted", "No other translations",
    # the image and document libraries, their edit screens and uploaders
    "(optional)", "Add images", "Add multiple images - Wagtail", "Add to collection:", "Or choose from your computer",
    "Drag and drop images into this area to upload immediately.", "Change image file:", "Filesize", "Focal point",
    "Max dimensions", "Remove focal area",
    "To define this image's most important region, drag a box over the image above.",
    'Multi-word tags with spaces will automatically be enclosed in double quotes (").', "Add documents",
    "Add multiple documents - Wagtail", "Drag and drop documents into this area to upload immediately.",
    "Add selected documents to collection", "Add tags to the selected documents", "Delete selected documents",
    "Change document:", "File", "Add a document", "Just now", "Choose another document", "Choose another page",
    "Image updated.", "Document updated.", "Sorry, upload failed.", "Report this error to your website administrator "
    "with the following information:", "Please provide an image description to comply with best practices for "
    "accessibility.", "to disable them.",
    # snippets
    "Delete selected snippets", "Select all snippets in listing", "Locale", "Locale:", "Slug", "Status:",
    # Settings › Users and Groups
    "Username", "Access level", "Admin", "Group", "Last login", "Assign role", "Assign role to selected users",
    "Set active state", "Change the active state for selected users", "Delete selected users", "Roles",
    "Required. Letters, digits and @/./+/-/_ only.",
}
#: Text in an English sentence of Wagtail's, or a workflow named in English.
ENGLISH_PARTS = ("Submit to ", "Resubmit to ", " and Publish", "Standard review", "Editor review", "Sort by '",
                 "More options for '", "Supported formats: ", "Available in ", "Page 1 of ",
                 "Upload successful. ")


def shown_texts(page: str, templates: bool = False) -> set[str]:
    """The text nodes and accessible labels of an admin page (not its scripts or data; its ``<template>``s,
    shown later, as the uploaders' messages, only with ``templates``)."""
    page = re.sub(r"<script\b[^>]*>.*?</script>" + ("" if templates else r"|<template\b[^>]*>.*?</template>"), " ",
                  page, flags=re.S)
    texts = {html.unescape(text).strip() for text in re.findall(r">([^<>]+)<", page)}
    texts |= {html.unescape(label).strip()
              for label in re.findall(r'\s(?:aria-label|title|placeholder)="([^"]+)"', page)}
    return {text for text in texts if text}


def english_left(page: str, templates: bool = False) -> list[str]:
    texts = shown_texts(page, templates)
    return sorted(texts & ENGLISH) + sorted(t for t in texts for part in ENGLISH_PARTS if part in t)


def in_vietnamese(signed_in: Callable[[str], Client], role: str) -> Client:
    """The demo user of ``role``, signed in, whose admin language is Vietnamese."""
    profile = UserProfile.get_for_user(get_user_model().objects.get(username=PEOPLE[role]))
    profile.preferred_language = "vi"
    profile.save()
    return signed_in(role)


@pytest.fixture
def editor(signed_in):
    """The demo's editor, whose admin language is Vietnamese."""
    return in_vietnamese(signed_in, "editor")


def edit(client, page: Page) -> str:
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_editor_and_its_workflow_actions_read_in_vietnamese(editor):
    source = story(SLUG)
    page = edit(editor, source)
    assert english_left(page) == []
    assert "Thực hiện Duyệt tiêu chuẩn" in shown_texts(page)  # "Submit to %(workflow_name)s", named in Vietnamese

    # In review, the editor's action menu: approving at the last step publishes.
    contributor = get_user_model().objects.get(username=PEOPLE["administrator"])
    fresh(source).save_revision(user=contributor)
    fresh(source).get_workflow().start(fresh(source), contributor)
    page = edit(editor, source)
    assert english_left(page) == []
    assert {"Phê chuẩn và Xuất bản", "Yêu cầu sửa"} <= shown_texts(page)
    assert "Phê chuẩnvà" not in page


def test_the_translation_editor_reads_in_vietnamese(editor):
    source, english = story(SLUG), story(SLUG, "en")
    editor.post(reverse("translation_status_update", args=[source.pk]))  # a synced translation: its editor
    page = edit(editor, english)
    assert 'id="localize-translation-editor"' in page or "wagtail_localize" in page
    assert english_left(page) == []
    catalogue = editor.get(reverse("wagtail_localize:javascript_catalog")).content.decode()
    strings = json.loads(re.search(r"const newcatalog = (\{.*?\});", catalogue, flags=re.S).group(1))
    for msgid, vietnamese in [("Translate all missing strings with ", "Dịch mọi chuỗi còn thiếu bằng "),
                              ("Publish in ", "Xuất bản bằng "), ("Not translated", "Chưa dịch"),
                              ("Download PO file", "Tải tệp PO"), ("Save", "Lưu")]:
        assert strings.get(msgid) == vietnamese, msgid


def test_setup_governance_renames_the_english_workflows_of_earlier_versions(demo, db):
    Workflow.objects.filter(name="Duyệt tiêu chuẩn").update(name="Standard review")
    Task.objects.filter(name="Biên tập duyệt").update(name="Editor review")
    tasks, workflows = Task.objects.count(), Workflow.objects.count()
    call_command("setup_governance", stdout=io.StringIO())
    assert Workflow.objects.filter(name="Duyệt tiêu chuẩn").count() == 1 and Task.objects.filter(
        name="Biên tập duyệt").count() == 1
    assert not Workflow.objects.filter(name="Standard review").exists()
    assert not Task.objects.filter(name="Editor review").exists()
    assert (Task.objects.count(), Workflow.objects.count()) == (tasks, workflows)  # renamed, not made again


#: The libraries, snippets, settings and press screens an editor (or, for users and groups, the
#: administrator) uses daily: who opens them and their address. (A group's edit screen is left out:
#: Django stores permission names and wagtailcore.Locale's verbose name in English, beyond gettext.)
SCREENS: dict[str, tuple[str, Callable[[], str]]] = {
    "image index": ("editor", lambda: reverse("wagtailimages:index")),
    "image add": ("editor", lambda: reverse("wagtailimages:add")),
    "image edit": ("editor", lambda: reverse("wagtailimages:edit", args=[get_image_model().objects.first().pk])),
    "multiple image upload": ("editor", lambda: reverse("wagtailimages:add_multiple")),
    "document index": ("editor", lambda: reverse("wagtaildocs:index")),
    "document add": ("editor", lambda: reverse("wagtaildocs:add")),
    "multiple document upload": ("editor", lambda: reverse("wagtaildocs:add_multiple")),
    "document edit": ("editor", lambda: reverse("wagtaildocs:edit", args=[get_document_model().objects.get().pk])),
    "topic snippets": ("editor", lambda: reverse("wagtailsnippets_taxonomy_topic:list")),
    "place snippet edit": ("editor", lambda: reverse("wagtailsnippets_taxonomy_place:edit",
                                                     args=[Place.objects.first().pk])),
    "weekly highlights": ("editor", lambda: reverse("wagtailsnippets_governance_weeklyhighlight:list")),
    "press applications": ("editor", lambda: reverse("press_accounts_applications")),
    "press access requests": ("editor", lambda: reverse("press_accounts_access_requests")),
    "retractions report": ("editor", lambda: reverse("governance_retractions")),
    "retract: choose": ("editor", lambda: reverse("governance_retract_choose")),
    "users index": ("administrator", lambda: reverse("wagtailusers_users:index")),
    "user edit": ("administrator", lambda: reverse(
        "wagtailusers_users:edit", args=[get_user_model().objects.get(username=PEOPLE["translator_en"]).pk])),
    "groups index": ("administrator", lambda: reverse("wagtailusers_groups:index")),
}


@pytest.fixture
def library_and_queues(demo, db):
    """A document in the library, and a press application and an access request waiting for an editor."""
    get_document_model().objects.create(title="Biên bản nghiệm thu", file=ContentFile(b"%PDF-1.4", name="bien-ban.pdf"))
    journalist = get_user_model().objects.create_user("phong-vien-thu", "pv@baolaocai.example", "mat-khau-thu")
    PressApplication.objects.create(user=journalist, outlet="Báo Lào Cai", role="Phóng viên", statement="Viết phóng sự")
    AccessRequest.objects.create(image=get_image_model().objects.first(), requester=journalist, name="Phóng viên",
                                 email="pv@baolaocai.example", reason="Minh hoạ bài viết")


@pytest.mark.parametrize("screen", SCREENS)
def test_the_libraries_snippets_settings_and_press_screens_read_in_vietnamese(screen, signed_in, library_and_queues):
    role, url = SCREENS[screen]
    response = in_vietnamese(signed_in, role).get(url())
    assert response.status_code == 200
    page = response.content.decode()
    assert english_left(page, templates=True) == []
    assert 'lang="vi"' in page
