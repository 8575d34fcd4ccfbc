"""Real clients accept every format: feedparser reads Atom and RSS without a
bozo flag, JSON Feed validates against the JSON Feed 1.1 schema, ninjs items
against IPTC's ninjs 2.2 schema, NewsML-G2 against IPTC's 2.35 XSD. The
schemas are copies kept under tests/data/standards (see its README)."""

from __future__ import annotations

import datetime
import json

import feedparser
import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree
from wagtail.models import Locale

from storybank.assets.models import LaoCaiImage
from storybank.feeds.sync import reconcile_feed
from storybank.stories.models import StoryPage

from .conftest import STANDARDS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def newsml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARDS / "newsml-g2-2.35" / "NewsML-G2_2.35-spec-All-Power.xsd")))


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((STANDARDS / name).read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def errors(validator: Draft202012Validator, document: dict) -> list[str]:
    return [f"{list(error.absolute_path)}: {error.message[:300]}" for error in validator.iter_errors(document)]


@pytest.fixture
def rich_feed(quiet_demo_feeds, make_feed):
    """Stories, products and culture in every language plus images, with
    removals: everything the formats must carry."""
    feed = make_feed(slug="everything", kinds=["story", "product", "culture", "image"])
    reconcile_feed(feed)
    withdrawn = StoryPage.objects.live().filter(locale__language_code="en").order_by("pk").first()
    withdrawn.unpublish()
    image = LaoCaiImage.objects.order_by("pk").last()
    image.rights_expire_on = timezone.localdate() - datetime.timedelta(days=1)
    image.save()
    return feed


def pull(client, feed, fmt: str, **params) -> bytes:
    response = client.get(f"/feeds/{feed.slug}.{fmt}", params)
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.mark.parametrize("params", [{}, {"since": 0, "limit": 1000}, {"since": 3, "limit": 1000}])
def test_json_feed_validates_against_json_feed_1_1(client, rich_feed, params):
    document = json.loads(pull(client, rich_feed, "json", **params))
    assert errors(validator("jsonfeed-1.1.schema.json"), document) == []
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["items"]
    if params.get("since") == 3:
        assert any(item["_laocai"].get("deleted") for item in document["items"])  # tombstones validate too


@pytest.mark.parametrize("params", [{}, {"since": 3, "limit": 1000}])
def test_ninjs_items_validate_against_iptc_ninjs_2_2(client, rich_feed, params):
    document = json.loads(pull(client, rich_feed, "ninjs", **params))
    ninjs = validator("ninjs/ninjs-schema_2.2.json")
    assert document["items"]
    for item in document["items"]:
        assert errors(ninjs, item) == [], item["uri"]
    statuses = {item["pubstatus"] for item in document["items"]}
    assert "usable" in statuses
    if params:
        assert "canceled" in statuses


def test_iptc_examples_validate_with_the_same_schema():
    """The schema copy and the validator are sound: IPTC's multimedia example
    passes, and a broken item fails. (IPTC's renditions example uses a bare
    word as ``uri``, which our strict format check rightly rejects.)"""
    ninjs = validator("ninjs/ninjs-schema_2.2.json")
    example = json.loads((STANDARDS / "ninjs" / "example-2.2-007_multimedia.json").read_text())
    assert errors(ninjs, example) == []
    assert errors(ninjs, {**example, "pubstatus": "gone"})
    assert errors(validator("jsonfeed-1.1.schema.json"), {"version": "https://jsonfeed.org/version/1.1", "items": []})


@pytest.mark.parametrize("params", [{}, {"since": 3, "limit": 1000}])
def test_newsml_g2_validates_against_iptc_xsd(client, rich_feed, newsml_schema, params):
    document = etree.fromstring(pull(client, rich_feed, "newsml", **params))
    valid = newsml_schema.validate(document)
    assert valid, [f"{e.line}: {e.message}" for e in newsml_schema.error_log][:10]
    ns = {"n": "http://iptc.org/std/nar/2006-10-01/"}
    assert document.xpath("//n:newsItem", namespaces=ns)
    assert document.xpath("//n:located/n:geoAreaDetails/n:position/@latitude", namespaces=ns)
    if params:
        assert document.xpath("//n:pubStatus[@qcode='stat:canceled']", namespaces=ns)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
@pytest.mark.parametrize("params", [{}, {"since": 3, "limit": 1000}])
def test_feedparser_reads_atom_and_rss_without_bozo(client, rich_feed, fmt, params):
    parsed = feedparser.parse(pull(client, rich_feed, fmt, **params))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries
    entry = next(e for e in parsed.entries if e.get("media_content"))
    assert entry.media_content[0]["url"].startswith("http")
    assert entry.get("media_credit") or entry.get("media_copyright") or entry.get("rights")
    assert all(e.id.startswith("urn:laocai-story:") for e in parsed.entries)


def test_every_format_carries_translations_places_groups_credits_licence_and_renditions(client, rich_feed):
    english = StoryPage.objects.live().filter(locale__language_code="en").order_by("pk").first()
    story = english.get_translation(Locale.objects.get(language_code="vi"))
    item_id = f"urn:laocai-story:page:{story.pk}"
    place = story.get_places()[0]

    json_item = next(i for i in json.loads(pull(client, rich_feed, "json", limit=1000))["items"] if i["id"] == item_id)
    ext = json_item["_laocai"]
    assert {"id": f"urn:laocai-story:page:{english.pk}", "language": "en", "title": english.title,
            "url": english.get_full_url()} in ext["translations"]
    assert json_item["url"] == story.get_full_url()
    assert ext["pillar"]["id"] == story.pillar
    places = {p["id"]: (p["latitude"], p["longitude"]) for p in ext["places"]}
    assert places[place.slug] == (float(place.latitude), float(place.longitude))
    assert {g["id"] for g in ext["ethnic_groups"]} == {g.slug for g in story.get_ethnic_groups()}
    assert ext["credits"] and ext["licence"]["id"] == "gov-reuse"
    image = ext["images"][0]
    assert image["credit"] and image["licence"]["id"]
    assert {r["preset"] for r in image["renditions"]} == {"thumbnail", "web"}

    atom = etree.fromstring(pull(client, rich_feed, "atom", limit=1000))
    ns = {"a": "http://www.w3.org/2005/Atom", "media": "http://search.yahoo.com/mrss/",
          "lc": "https://laocai-story.vn/ns/feeds/1.0/"}
    entry = atom.xpath(f"//a:entry[a:id='{item_id}']", namespaces=ns)[0]
    assert entry.xpath("a:link[@rel='alternate'][@hreflang='en']/@href", namespaces=ns) == [english.get_full_url()]
    assert entry.xpath(f"lc:place[@id='{place.slug}']/@latitude", namespaces=ns) == [str(float(place.latitude))]
    assert entry.xpath("media:content/media:license", namespaces=ns)
    assert entry.xpath("media:content/media:credit", namespaces=ns)

    ninjs = next(i for i in json.loads(pull(client, rich_feed, "ninjs", limit=1000))["items"] if i["uri"] == item_id)
    names = {a["name"] for a in ninjs["associations"]}
    assert "translation-en" in names and "image-1" in names
    assert any(p["uri"] == f"geo:{float(place.latitude)},{float(place.longitude)}" for p in ninjs["places"])

    newsml = etree.fromstring(pull(client, rich_feed, "newsml", limit=1000))
    nar = {"n": "http://iptc.org/std/nar/2006-10-01/"}
    item = newsml.xpath(f"//n:newsItem[@guid='{item_id}']", namespaces=nar)[0]
    assert item.xpath("n:itemMeta/n:link[@rel='lcrel:translation']/@residref", namespaces=nar)
    assert item.xpath("n:rightsInfo/n:usageTerms/text()", namespaces=nar)
    assert item.xpath("n:itemMeta/n:link[@rel='lcrel:image']/@href", namespaces=nar)


def test_vietnamese_text_arrives_intact_in_every_format(client, rich_feed):
    story = StoryPage.objects.live().filter(locale__language_code="vi").order_by("pk").first()
    for fmt in ("json", "atom", "rss", "ninjs", "newsml"):
        body = pull(client, rich_feed, fmt, limit=1000).decode("utf-8")
        assert story.title in body or json.dumps(story.title, ensure_ascii=False)[1:-1] in body, fmt


def test_rendition_urls_are_the_press_downloads_and_stop_when_rights_expire(client, rich_feed):
    from urllib.parse import urlsplit

    document = json.loads(pull(client, rich_feed, "json", limit=1000))
    image = next(i for i in document["items"] if i["_laocai"]["kind"] == "image")
    web = next(r for r in image["_laocai"]["renditions"] if r["preset"] == "web")
    address = urlsplit(web["url"])
    assert address.path.startswith("/press/images/")
    response = client.get(address.path, {"format": "jpeg"})
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    asset = LaoCaiImage.objects.get(pk=int(image["id"].rsplit(":", 1)[1]))
    LaoCaiImage.objects.filter(pk=asset.pk).update(rights_expire_on=timezone.localdate() - datetime.timedelta(days=1))
    assert client.get(address.path, {"format": "jpeg"}).status_code == 410
