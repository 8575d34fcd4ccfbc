"""The governance screens render for the roles that use them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from storybank.governance.models import ReviewWorkflows
from tests.governance.helpers import ROLES, denied

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_roles_dashboard_renders(as_role, role):
    assert as_role(role).get(reverse("wagtailadmin_home")).status_code == 200


def test_editors_list_highlights_and_withdrawn_assets(as_role):
    editor = as_role("editor")
    listing = editor.get(reverse("wagtailsnippets_governance_weeklyhighlight:list"))
    assert listing.status_code == 200 and "Homestay" in listing.content.decode()
    assert editor.get(reverse("wagtailsnippets_governance_weeklyhighlight:add")).status_code == 200
    report = editor.get(reverse("governance_withdrawals"))
    assert report.status_code == 200
    assert denied(as_role("partner_manager").get(reverse("governance_withdrawals")))


def test_administrators_see_and_can_change_the_review_workflows(as_role):
    administrator = as_role("administrator")
    setting = ReviewWorkflows.load()
    assert setting.standard_workflow.name == "Duyệt tiêu chuẩn"
    assert setting.sensitive_workflow.name == "Duyệt nội dung nhạy cảm"
    url = reverse("wagtailsettings:edit", args=["governance", "reviewworkflows"])
    page = administrator.get(url, follow=True)
    assert page.status_code == 200 and "Duyệt nội dung nhạy cảm" in page.content.decode()
    instance_url = reverse("wagtailsettings:edit", args=["governance", "reviewworkflows", setting.pk])
    assert denied(as_role("editor").get(instance_url))
    workflows = administrator.get(reverse("wagtailadmin_workflows:index")).content.decode()
    assert "Duyệt tiêu chuẩn" in workflows and "Duyệt nội dung nhạy cảm" in workflows
