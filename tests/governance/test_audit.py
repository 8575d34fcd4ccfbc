"""The audit trail: who created, changed, approved, published, withdrew or
exported what and when, in Wagtail's site history (admin) and its CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry, PageLogEntry

from storybank.assets.models import LaoCaiImage
from storybank.feeds.models import ApiKey, Feed, Partner
from storybank.governance.models import ExportRecord, UnitWorkspace
from storybank.stories.models import StoryPage
from storybank.taxonomy.models import Place
from tests.governance.helpers import post_edit, story, user
from tests.media_pipeline import files

pytestmark = pytest.mark.django_db


def site_history_csv(client: Client, **filters: str) -> list[list[str]]:
    """The site history as CSV rows (ID, name, type, action, user, date), in
    the admin's language: compare labels through gettext, not as English."""
    response = client.get(reverse("wagtailadmin_reports:site_history"), {"export": "csv", **filters})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))[1:]


def label(msgid: str) -> str:
    """An action label as the (Vietnamese) admin shows it."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(log_action_registry.get_action_label(msgid))


def image_form(image: LaoCaiImage, **changes: str) -> dict[str, str]:
    return {
        "title": image.title, "description": image.description, "caption": image.caption, "credit": image.credit,
        "licence": image.licence, "consent_status": image.consent_status, "collection": image.collection_id,
        "tags": "", "focal_point_x": "", "focal_point_y": "", "focal_point_width": "", "focal_point_height": "",
        **changes,
    }


def test_page_edits_publications_and_approvals_are_in_the_site_history(as_role):
    editor = as_role("editor")
    page = story("fansipan-noc-nha-dong-duong")
    post_edit(editor, page, "publish", lede="Fansipan – bản đã duyệt.")
    entries = PageLogEntry.objects.filter(page=page, user=user("editor"))
    assert {"wagtail.edit", "wagtail.publish"} <= set(entries.values_list("action", flat=True))
    rows = site_history_csv(editor)
    mine = {row[3] for row in rows if row[1] == page.title and row[4] == user("editor").get_full_name()}
    assert {label("wagtail.edit"), label("wagtail.publish")} <= mine


def test_asset_edits_and_uploads_are_logged_with_the_user(as_role):
    contributor = as_role("contributor_sapa")
    collection = UnitWorkspace.objects.get(unit__slug="phuong-sa-pa").collection
    upload = SimpleUploadedFile("cho-dem.jpg", files.jpeg(files.photo((800, 600), seed=7)), content_type="image/jpeg")
    response = contributor.post(reverse("wagtailimages:add"), {
        "title": "Chợ đêm Sa Pa", "credit": "Ảnh: UBND phường Sa Pa", "licence": "cc-by-4.0",
        "consent_status": "obtained", "collection": collection.pk, "tags": "", "file": upload,
    })
    assert response.status_code == 302, response.content.decode()[:500]
    image = LaoCaiImage.objects.get(title="Chợ đêm Sa Pa")
    assert ModelLogEntry.objects.filter(object_id=str(image.pk), action="wagtail.create",
                                        user=user("contributor_sapa")).exists()

    editor = as_role("editor")
    shared = LaoCaiImage.objects.get(title="Đỉnh Fansipan trong mây")
    response = editor.post(reverse("wagtailimages:edit", args=[shared.pk]),
                           image_form(shared, credit="Ảnh: Sở VHTTDL Lào Cai"))
    assert response.status_code == 302
    assert ModelLogEntry.objects.filter(object_id=str(shared.pk), action="wagtail.edit", user=user("editor")).exists()
    # Editors see asset history in the site history report.
    assert (shared.title, label("wagtail.edit")) in {(row[1], row[3]) for row in site_history_csv(editor)}


def test_snippet_edits_are_logged(as_role):
    editor = as_role("editor")
    place = Place.in_default_locale().get(slug="bac-ha")
    url = reverse("wagtailsnippets_taxonomy_place:edit", args=[place.pk])
    html = editor.get(url)
    assert html.status_code == 200
    from wagtail.test.utils.form_data import querydict_from_html

    data = querydict_from_html(html.content.decode(), form_id="w-editor-form")
    data["name"] = "Bắc Hà (thị trấn)"
    response = editor.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert ModelLogEntry.objects.filter(object_id=str(place.pk), action="wagtail.edit", user=user("editor")).exists()


def test_exports_of_the_site_history_are_themselves_audited(as_role):
    administrator = as_role("administrator")
    site_history_csv(administrator)
    record = ExportRecord.objects.get(user=user("administrator"))
    assert record.format == "csv" and "audit-log" in record.what
    entry = ModelLogEntry.objects.get(action="storybank.export", object_id=str(record.pk))
    assert entry.user == user("administrator")
    rows = site_history_csv(administrator)
    assert any(row[3] == label("storybank.export") and row[4] == user("administrator").get_full_name()
               for row in rows)


def test_press_kits_downloaded_by_signed_in_users_are_audited(as_role, client):
    page = StoryPage.objects.live().filter(locale__language_code="vi").first()
    url = reverse("press:kit", args=[page.pk])
    assert client.get(url).status_code == 200  # the public: counted by analytics, not audited
    assert not PageLogEntry.objects.filter(page=page, action="storybank.export").exists()
    assert as_role("editor").get(url, {"locale": "vi"}).status_code == 200
    entry = PageLogEntry.objects.get(page=page, action="storybank.export")
    assert entry.user == user("editor") and entry.data["kind"] == "press-kit" and entry.data["what"] == page.title


def test_a_partners_full_feed_sync_is_audited_with_the_partner(demo, client):
    partner = Partner.objects.get(slug="ttxvn")
    _key, raw = ApiKey.issue(partner, "Audit test")
    feed = Feed.objects.get(slug="bao-chi")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"/feeds/{feed.slug}.json", **headers).status_code == 200  # latest items: not an export
    assert not ModelLogEntry.objects.filter(action="storybank.export", object_id=str(feed.pk)).exists()
    assert client.get(f"/feeds/{feed.slug}.json", {"since": 0}, **headers).status_code == 200
    entry = ModelLogEntry.objects.get(action="storybank.export", object_id=str(feed.pk))
    assert partner.name in entry.data["partner"]
    assert partner.name in entry.formatter.format_message(entry)


def test_the_site_history_lists_rights_withdrawals_for_editors(as_role, demo):
    from wagtail.log_actions import log

    image = LaoCaiImage.objects.get(title="Đỉnh Fansipan trong mây")
    log(instance=image, action="storybank.rights_withdrawn",
        data={"rights_expire_on": "2026-01-31", "pages": [1, 2], "renditions_deleted": 3})
    rows = site_history_csv(as_role("editor"))
    assert (image.title, label("storybank.rights_withdrawn")) in {(row[1], row[3]) for row in rows}


def test_the_annual_report_export_is_audited_and_editors_may_download_it(as_role):
    year = timezone.localdate().year
    editor = as_role("editor")  # editors hold the KPI dashboard permission (setup_governance)
    response = editor.get(reverse("analytics:annual_report", args=[year, "xlsx"]))
    assert response.status_code == 200
    record = ExportRecord.objects.get(user=user("editor"))
    assert record.format == "xlsx" and f"annual-report-{year}" in record.what
    entry = ModelLogEntry.objects.get(action="storybank.export", object_id=str(record.pk))
    assert entry.user == user("editor") and entry.data["kind"] == "report"
    assert as_role("contributor_sapa").get(reverse("analytics:annual_report", args=[year, "csv"])).status_code in (
        302, 403)
    assert not ExportRecord.objects.filter(user=user("contributor_sapa")).exists()
