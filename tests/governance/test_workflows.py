"""Review workflows over HTTP: the standard review (editors approve), the
sensitive review (editors, then sensitive-content reviewers), requests for
changes with a comment, and the consent rule on publishing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import PageLogEntry, TaskState, WorkflowState

from storybank.assets.models import LaoCaiImage
from storybank.core.choices import ConsentStatus
from storybank.stories.models import StoryPage
from tests.governance.helpers import create_story, denied, edit_url, messages_of, post_edit, unit, user
from tests.i18n import shown

CONSENT_MISSING = (
    "%(asset)s shows people whose consent is missing. Record their consent on the asset, "
    "or remove it from this page, before publishing."
)

pytestmark = pytest.mark.django_db


def fresh(page: StoryPage) -> StoryPage:
    return StoryPage.objects.get(pk=page.pk)


def submitted_story(as_role, slug: str, *, sensitive: bool = False, image_id: int | None = None) -> StoryPage:
    """A story a Sa Pa contributor wrote and submitted for review."""
    response = create_story(as_role("contributor_sapa"), f"Bài {slug}", slug, unit("phuong-sa-pa").pk,
                            action="submit", sensitive=sensitive, image_id=image_id)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = StoryPage.objects.get(slug=slug)
    assert page.current_workflow_state is not None and not page.live
    return page


def workflow_action(client, page: StoryPage, action: str, comment: str = ""):
    state = fresh(page).current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])
    return client.post(url, {"comment": comment})


def current_task_name(page: StoryPage) -> str:
    return fresh(page).current_workflow_task.name


def missing_consent_image() -> LaoCaiImage:
    image = LaoCaiImage.objects.get(title="Chợ phiên Bắc Hà")
    image.consent_status = ConsentStatus.MISSING
    image.save()
    return image


def test_a_sensitive_story_needs_the_editor_and_then_the_sensitive_reviewer(as_role, mailoutbox):
    page = submitted_story(as_role, "tuyen-bien-gioi", sensitive=True)
    assert fresh(page).current_workflow_state.workflow.name == "Duyệt nội dung nhạy cảm"
    assert current_task_name(page) == "Biên tập duyệt"

    assert denied(workflow_action(as_role("reviewer"), page, "approve"))  # not their step yet
    assert current_task_name(page) == "Biên tập duyệt"

    response = workflow_action(as_role("editor"), page, "approve", "Nội dung đúng, chuyển duyệt nhạy cảm.")
    assert response.status_code == 302 and not denied(response)
    assert not fresh(page).live
    assert current_task_name(page) == "Kiểm duyệt nội dung nhạy cảm"
    assert denied(workflow_action(as_role("editor"), page, "approve"))  # editors cannot do the second review
    assert any(page.title in message.subject + message.body and "kiemduyet@laocai.example" in message.to
               for message in mailoutbox)  # the reviewers are told it awaits them

    reviewer = as_role("reviewer")
    assert page.title in reviewer.get(reverse("wagtailadmin_home")).content.decode()  # their review queue
    assert reviewer.get(edit_url(page)).status_code == 200
    response = workflow_action(reviewer, page, "approve")
    assert response.status_code == 302 and not denied(response)
    page = fresh(page)
    assert page.live and page.current_workflow_state is None
    approvals = PageLogEntry.objects.filter(page=page, action="wagtail.workflow.approve").order_by("timestamp")
    assert [entry.user.username for entry in approvals] == ["bientap", "kiemduyet"]
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish", user=user("reviewer")).exists()


def test_a_standard_story_is_published_by_the_editors_approval(as_role):
    page = submitted_story(as_role, "cho-tinh-sa-pa")
    assert fresh(page).current_workflow_state.workflow.name == "Duyệt tiêu chuẩn"
    assert denied(workflow_action(as_role("reviewer"), page, "approve"))
    workflow_action(as_role("editor"), page, "approve")
    assert fresh(page).live


def test_requesting_changes_sends_the_story_back_with_the_comment(as_role, mailoutbox):
    page = submitted_story(as_role, "le-hoi-mua-xuan")
    comment = "Thiếu nguồn ảnh và tên người được phỏng vấn."
    response = workflow_action(as_role("editor"), page, "reject", comment)
    assert response.status_code == 302 and not denied(response)
    state = WorkflowState.objects.filter(object_id=str(page.pk)).latest("created_at")
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert TaskState.objects.filter(workflow_state=state, status=TaskState.STATUS_REJECTED,
                                    comment=comment).exists()
    assert not fresh(page).live

    contributor = as_role("contributor_sapa")
    html = contributor.get(edit_url(page)).content.decode()
    assert comment in html  # the editor shows why it came back
    assert any(comment in message.body for message in mailoutbox)  # and the author is told by email
    post_edit(contributor, page, "submit", lede="Đã bổ sung nguồn ảnh.")
    assert fresh(page).current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert current_task_name(page) == "Biên tập duyệt"


# --- consent -------------------------------------------------------------------------------------


def test_publishing_a_story_with_a_consent_missing_image_is_refused_naming_the_image(as_role):
    image = missing_consent_image()
    editor = as_role("editor")
    response = create_story(editor, "Phiên chợ đông người", "phien-cho-dong-nguoi", unit("xa-bac-ha").pk,
                            action="publish", image_id=image.pk)
    page = StoryPage.objects.get(slug="phien-cho-dong-nguoi")
    assert response.status_code == 302 and response.url == edit_url(page)
    assert not page.live
    assert Client().get(f"/vi/{page.get_parent().slug}/{page.slug}/").status_code == 404  # not public
    refusal = " ".join(messages_of(response))
    assert image.title in refusal and shown(CONSENT_MISSING) in refusal

    # The editor shows the reason whenever the story is opened.
    assert image.title in " ".join(messages_of(editor.get(edit_url(page))))
    # Once consent is recorded, publishing goes through.
    image.consent_status = ConsentStatus.OBTAINED
    image.save()
    post_edit(editor, page, "publish")
    assert fresh(page).live


def test_a_live_story_cannot_take_on_a_consent_missing_image(as_role):
    image = missing_consent_image()
    live = StoryPage.objects.filter(locale__language_code="vi", live=True).exclude(hero_image=image).first()
    editor = as_role("editor")
    before = live.live_revision_id
    response = post_edit(editor, live, "publish", hero_image=str(image.pk))
    assert response.status_code == 302
    assert image.title in " ".join(messages_of(response))
    assert fresh(live).live_revision_id == before and fresh(live).hero_image_id != image.pk


def test_the_final_approval_is_withheld_while_consent_is_missing(as_role):
    image = missing_consent_image()
    page = submitted_story(as_role, "nguoi-ban-hang", image_id=image.pk)
    editor = as_role("editor")
    # The dashboard's approve is refused: the action is not offered.
    assert denied(workflow_action(editor, page, "approve"))
    # The editor's approve button saves any edits but does not approve, and says why.
    response = post_edit(editor, page, "approve", lede="Biên tập viên sửa câu mở đầu.")
    assert response.status_code == 302
    refusal = " ".join(messages_of(response))
    assert image.title in refusal and shown(CONSENT_MISSING) in refusal
    page = fresh(page)
    assert not page.live and current_task_name(page) == "Biên tập duyệt"
    assert page.get_latest_revision_as_object().lede == "Biên tập viên sửa câu mở đầu."
    # Requesting changes is still possible.
    assert not denied(workflow_action(editor, page, "reject", "Cần giấy đồng ý của người trong ảnh."))


def test_the_sensitive_review_checks_consent_at_its_last_step(as_role):
    image = missing_consent_image()
    page = submitted_story(as_role, "le-cung-ban", sensitive=True, image_id=image.pk)
    workflow_action(as_role("editor"), page, "approve")  # the first step does not publish
    assert current_task_name(page) == "Kiểm duyệt nội dung nhạy cảm"
    assert denied(workflow_action(as_role("reviewer"), page, "approve"))
    assert not fresh(page).live
    image.consent_status = ConsentStatus.OBTAINED
    image.save()
    workflow_action(as_role("reviewer"), page, "approve")
    assert fresh(page).live


def test_bulk_publishing_refuses_a_story_with_a_consent_missing_image(as_role):
    image = missing_consent_image()
    editor = as_role("editor")
    create_story(editor, "Bản nháp có ảnh", "ban-nhap-co-anh", unit("xa-bac-ha").pk, image_id=image.pk)
    page = StoryPage.objects.get(slug="ban-nhap-co-anh")
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={page.pk}"
    editor.post(url, {"include_descendants": ""})
    assert not fresh(page).live
