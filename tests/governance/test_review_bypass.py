"""The review cannot be bypassed (issue 15, item 8): unticking the sensitive
flags of a live item still needs the sensitive reviewers, nobody approves
their own submission unless the workflow allows it, and administrators
cannot make anyone superuser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from storybank.governance.models import ReviewWorkflows
from storybank.stories.models import StoryPage
from tests.governance.helpers import create_story, denied, post_edit, story, unit, user

pytestmark = pytest.mark.django_db


def fresh(page: StoryPage) -> StoryPage:
    return StoryPage.objects.get(pk=page.pk)


def approve(client, page: StoryPage):
    state = fresh(page).current_workflow_task_state
    return client.post(reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.pk]), {})


def test_unticking_the_flags_of_a_live_sensitive_item_still_needs_the_sensitive_review(as_role):
    page = story("cua-khau-kim-thanh-thong-thuong")
    assert page.live and page.sensitivities == ["border", "foreign-affairs"]
    editor = as_role("editor")

    # Publishing the unflagged text directly is refused…
    post_edit(editor, page, "publish", sensitive_border="", sensitive_foreign_affairs="", lede="Không còn nhạy cảm.")
    assert fresh(page).sensitivities == ["border", "foreign-affairs"] and fresh(page).lede != "Không còn nhạy cảm."

    # …and submitting it goes to the sensitive review, which the editor cannot finish alone.
    post_edit(editor, page, "submit", sensitive_border="", sensitive_foreign_affairs="", lede="Không còn nhạy cảm.")
    state = fresh(page).current_workflow_state
    assert state is not None and state.workflow.name == "Duyệt nội dung nhạy cảm"
    approve(editor, page)
    approve(as_role("administrator"), page)
    page = fresh(page)
    assert page.sensitivities == ["border", "foreign-affairs"] and page.lede != "Không còn nhạy cảm."
    assert page.current_workflow_state is not None


def test_nobody_approves_their_own_submission_unless_the_workflow_allows_it(as_role):
    editor = as_role("editor")
    response = create_story(editor, "Bài của biên tập viên", "bai-cua-bien-tap-vien", unit("phuong-sa-pa").pk,
                            action="submit")
    assert response.status_code == 302
    page = StoryPage.objects.get(slug="bai-cua-bien-tap-vien")
    assert fresh(page).current_workflow_state.workflow.name == "Duyệt tiêu chuẩn"

    html = editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert 'data-workflow-action-url' not in html or '/approve/' not in html  # no "Approve" offered
    refused = approve(editor, page)
    assert denied(refused) or refused.status_code in (302, 403)
    assert not fresh(page).live

    settings = ReviewWorkflows.load()
    settings.self_approval_workflows.add(fresh(page).current_workflow_state.workflow)
    approve(editor, page)
    assert fresh(page).live


def test_a_reviewer_who_changes_the_text_during_the_review_cannot_approve_it(as_role):
    response = create_story(as_role("contributor_sapa"), "Bài đóng góp", "bai-dong-gop", unit("phuong-sa-pa").pk,
                            action="submit")
    assert response.status_code == 302
    page = StoryPage.objects.get(slug="bai-dong-gop")
    editor = as_role("editor")
    post_edit(editor, page, "approve", lede="Biên tập viên viết lại phần tóm tắt.")  # edit and approve at once
    assert not fresh(page).live


def test_administrators_cannot_make_anyone_superuser(as_role):
    administrator = as_role("administrator")
    target = user("editor")
    url = reverse("wagtailusers_users:edit", args=[target.pk])
    response = administrator.get(url)
    assert response.status_code == 200 and 'name="is_superuser"' not in response.content.decode()

    data = querydict_from_html(response.content.decode(), form_id="w-editor-form")
    data["is_superuser"] = "on"
    administrator.post(url, data)
    assert not get_user_model().objects.get(pk=target.pk).is_superuser

    created = administrator.post(reverse("wagtailusers_users:add"), {
        "username": "moi", "email": "moi@laocai.example", "first_name": "Người", "last_name": "Mới",
        "password1": "mat-khau-dai-va-kho-doan-2026", "password2": "mat-khau-dai-va-kho-doan-2026",
        "is_superuser": "on", "is_active": "on",
    })
    assert created.status_code == 302
    assert not get_user_model().objects.get(username="moi").is_superuser

    superuser = get_user_model().objects.create_superuser("sieu", "sieu@laocai.example", "x")
    assert denied(administrator.get(reverse("wagtailusers_users:edit", args=[superuser.pk])))
