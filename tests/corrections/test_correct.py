"""Correcting a published story over HTTP: the editor publishes the
corrected version with a note; readers see it under the text (and in the
JSON-LD) in the page's language, a translation with its own note; partners
receive the version flagged as a correction in every format, each valid
against its standard, and as a push with ``"change": "correction"``; the
site history records who, when, why and who approved. A sensitive story's
correction is published by the sensitive review's last approval."""

from __future__ import annotations

import json

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from lxml import etree
from wagtail.models import PageLogEntry

from storybank.feeds.push import Worker
from storybank.governance.models import Correction
from storybank.governance.roles import EDITORS
from storybank.stories.models import StoryPage
from tests.governance.helpers import denied
from tests.site.pagedata import read_head

from .conftest import NAR, fresh, new_story, schema_errors, translate, workflow_action

pytestmark = pytest.mark.django_db

NOTE_VI = "Bản trước ghi lễ hội diễn ra ngày 15 tháng Giêng; đúng là ngày 12 tháng Giêng."
NOTE_EN = "An earlier version gave the 15th day of the first lunar month; the festival is on the 12th."


def correct(client, page, note: str, action: str = "publish"):
    return client.post(reverse("governance_correct", args=[page.pk]), {"note": note, action: "1"})


@pytest.fixture
def corrected(syndication, as_role, client):
    """A story and its English translation, pulled and pushed once, then the
    Vietnamese page corrected (a new lede) and published with its note."""
    story = new_story("Lễ hội Gầu Tào ở Mường Khương")
    english = translate(story, "en", "Gau Tao festival in Muong Khuong", "The H'Mông spring festival.")
    syndication.pull_json(client, since=0)
    Worker().run_once()
    story.lede = "Lễ hội Gầu Tào diễn ra ngày 12 tháng Giêng."
    story.save_revision()
    response = correct(as_role("editor"), story, NOTE_VI)
    assert response.status_code == 302, response.content[:500]
    return story, english


def test_readers_see_the_correction_under_the_text_in_the_page_language(corrected, as_role, client):
    story, english = corrected
    story = fresh(story)
    assert story.lede == "Lễ hội Gầu Tào diễn ra ngày 12 tháng Giêng."  # the corrected draft went live
    page = client.get(story.url)
    html = page.content.decode()
    assert 'id="corrections"' in html and NOTE_VI in html
    [correction] = story.published_corrections
    assert f'datetime="{timezone.localtime(correction.published_at).isoformat()}"' in html
    [article] = [data for data in read_head(html).jsonld if data.get("@type") == "Article"]
    assert article["correction"] == [
        {"@type": "CorrectionComment", "text": NOTE_VI, "datePublished": correction.published_at.isoformat()}]

    # The translation has no correction until it gets its own note.
    assert 'id="corrections"' not in client.get(english.url).content.decode()
    assert correct(as_role("editor"), english, NOTE_EN).status_code == 302
    html = client.get(english.url).content.decode()
    assert NOTE_EN in html and NOTE_VI not in html
    assert "Corrections" in html  # the heading, in English


def test_partners_receive_the_correction_in_every_format(corrected, syndication, client, newsml_schema):
    story, _english = corrected
    key = f"urn:laocai-story:page:{story.pk}"
    changes = syndication.pull_json(client, since=2)
    assert schema_errors("jsonfeed-1.1.schema.json", changes) == []
    [item] = [item for item in changes["items"] if item["id"] == key]
    assert item["_laocai"]["correction"]["note"] == NOTE_VI
    assert [c["note"] for c in item["_laocai"]["corrections"]] == [NOTE_VI]
    assert NOTE_VI in item["summary"]

    ninjs = json.loads(syndication.pull(client, "ninjs", since=2))
    [ninjs_item] = [entry for entry in ninjs["items"] if entry["uri"] == key]
    assert schema_errors("ninjs/ninjs-schema_2.2.json", ninjs_item) == []
    assert NOTE_VI in ninjs_item["ednote"]
    assert ninjs_item["trustindicators"][0]["role"] == "http://cv.iptc.org/newscodes/signal/correction"

    newsml = etree.fromstring(syndication.pull(client, "newsml", since=2))
    assert newsml_schema.validate(newsml), [e.message for e in newsml_schema.error_log][:5]
    [meta] = newsml.xpath(f"//n:newsItem[@guid='{key}']/n:itemMeta", namespaces=NAR)
    assert meta.xpath("n:signal/@qcode", namespaces=NAR) == ["sig:correction"]
    assert NOTE_VI in meta.xpath("string(n:edNote)", namespaces=NAR)

    for fmt in ("atom", "rss"):
        parsed = feedparser.parse(syndication.pull(client, fmt, since=2))
        assert not parsed.bozo, parsed.get("bozo_exception")
        [entry] = [entry for entry in parsed.entries if entry.id == key]
        assert "correction" in [tag.get("term") for tag in entry.tags] + [
            tag.get("scheme", "").rsplit("/", 1)[-1] for tag in entry.tags]
        assert NOTE_VI in entry.summary

    # The push: flagged as a correction, the note in the item.
    Worker().run_once()
    [pushed] = [r for r in syndication.server.requests if r.json["id"] == key and r.json["change"] == "correction"]
    assert pushed.headers["X-LaoCai-Change"] == "correction"
    assert pushed.json["item"]["correction"]["note"] == NOTE_VI


def test_a_corrected_translation_is_valid_newsml_with_every_note_before_its_signals(
        corrected, syndication, as_role, client, newsml_schema):
    """A translation carries its translation status (a note and signals) and, once corrected, its
    correction too: NewsML-G2 wants every edNote before any signal, whichever part wrote it."""
    _story, english = corrected
    assert correct(as_role("editor"), english, NOTE_EN).status_code == 302
    key = f"urn:laocai-story:page:{english.pk}"
    newsml = etree.fromstring(syndication.pull(client, "newsml", since=2))
    assert newsml_schema.validate(newsml), [e.message for e in newsml_schema.error_log][:5]
    [meta] = newsml.xpath(f"//n:newsItem[@guid='{key}']/n:itemMeta", namespaces=NAR)
    names = [etree.QName(child).localname for child in meta]
    assert "sig:correction" in meta.xpath("n:signal/@qcode", namespaces=NAR)
    assert NOTE_EN in meta.xpath("string(n:edNote[1])", namespaces=NAR)
    assert max(i for i, name in enumerate(names) if name == "edNote") < names.index("signal")


def test_the_next_ordinary_update_is_no_longer_a_correction_but_keeps_its_history(corrected, syndication):
    story, _english = corrected
    story = fresh(story)
    story.save_revision().publish()
    Worker().run_once()
    last = max((r.json for r in syndication.server.requests if r.json["id"].endswith(f":{story.pk}")),
               key=lambda body: body["sequence"])
    assert last["change"] == "upsert"
    assert "correction" not in last["item"] and last["item"]["corrections"][0]["note"] == NOTE_VI


def test_the_site_history_records_who_when_why_and_who_approved(corrected):
    story, _english = corrected
    entry = PageLogEntry.objects.get(page=story, action="storybank.correction")
    assert entry.user.username == "bientap"
    assert entry.data["note"] == NOTE_VI and entry.data["approved_by"]
    assert entry.revision_id == fresh(story).live_revision_id
    with translation.override("en"):
        assert str(entry.message) == f"Published with a correction: “{NOTE_VI}”"


def second_editor() -> Client:
    """Another editor than the demo's: four eyes, the one who sends a correction for review never approves it."""
    colleague = get_user_model().objects.create_user("bientap-2", "bientap-2@laocai.example")
    colleague.groups.add(Group.objects.get(name=EDITORS))
    client = Client()
    client.force_login(colleague)
    return client


def test_a_sensitive_story_is_corrected_by_the_sensitive_reviews_last_approval(syndication, as_role):
    story = new_story("Cột mốc biên giới 92")
    StoryPage.objects.filter(pk=story.pk).update(sensitive_border=True)  # published through the sensitive review
    fresh(story).save_revision()
    editor, reviewer = as_role("editor"), as_role("reviewer")
    form = editor.get(reverse("governance_correct", args=[story.pk])).content.decode()
    assert 'name="publish"' not in form and 'name="submit"' in form  # only the review publishes it
    assert denied(correct(editor, story, "Sửa số hiệu cột mốc."))
    assert not Correction.objects.filter(page=story, published_at__isnull=False).exists()
    assert correct(editor, story, "Bản trước ghi sai số hiệu cột mốc: đúng là 92.", "submit").status_code == 302
    assert fresh(story).current_workflow_state is not None
    assert denied(workflow_action(editor, story, "approve"))  # four eyes: not the one who sent it
    workflow_action(second_editor(), story, "approve")
    workflow_action(reviewer, story, "approve")
    correction = Correction.objects.get(page=story)
    assert correction.published_at is not None and correction.published_by.username == "kiemduyet"
    assert correction.revision_id == fresh(story).live_revision_id


def test_a_partner_dropping_the_language_of_a_corrected_item_is_sent_its_tombstone(corrected, syndication):
    """A correction is held like an update: narrowing the partner's languages withdraws it too."""
    story, _english = corrected
    Worker().run_once()
    story_id = f"urn:laocai-story:page:{story.pk}"
    assert [r.json["change"] for r in syndication.server.requests if r.json["id"] == story_id][-1] == "correction"
    syndication.partner.allowed_locales = ["en"]
    syndication.partner.save()
    Worker().run_once()
    last = max((r.json for r in syndication.server.requests if r.json["id"] == story_id),
               key=lambda body: body["sequence"])
    assert last["change"] == "delete" and last["reason"] == "not-selected"
