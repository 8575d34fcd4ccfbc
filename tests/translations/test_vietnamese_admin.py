"""A Vietnamese admin (#14 item 7): an editor whose language is Vietnamese
reads Wagtail's and wagtail-localize's own buttons, statuses and workflow
actions in Vietnamese on the page editor, the workflow action menu and the
translation editor (``locales/wagtail`` supplies what their catalogues lack
or get wrong), and the review workflows bear Vietnamese names."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page, Task, Workflow
from wagtail.users.models import UserProfile

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
}
#: Text in an English sentence of Wagtail's, or a workflow named in English.
ENGLISH_PARTS = ("Submit to ", "Resubmit to ", " and Publish", "Standard review", "Editor review")


def shown_texts(page: str) -> set[str]:
    """The text nodes and accessible labels of an admin page (not its scripts or data)."""
    page = re.sub(r"<script\b[^>]*>.*?</script>|<template\b[^>]*>.*?</template>", " ", page, flags=re.S)
    texts = {html.unescape(text).strip() for text in re.findall(r">([^<>]+)<", page)}
    texts |= {html.unescape(label).strip()
              for label in re.findall(r'\s(?:aria-label|title|placeholder)="([^"]+)"', page)}
    return {text for text in texts if text}


def english_left(page: str) -> list[str]:
    texts = shown_texts(page)
    return sorted(texts & ENGLISH) + sorted(t for t in texts for part in ENGLISH_PARTS if part in t)


@pytest.fixture
def editor(signed_in):
    """The demo's editor, whose admin language is Vietnamese."""
    profile = UserProfile.get_for_user(get_user_model().objects.get(username=PEOPLE["editor"]))
    profile.preferred_language = "vi"
    profile.save()
    return signed_in("editor")


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
