"""``GET /api/v1/search`` and ``/api/v1/search/suggest``: the shape journalists and
partners rely on, clear 400s for bad parameters, and no 500 for any query."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest

pytestmark = pytest.mark.django_db

API = "/api/v1/search"


def get(client, query_string: str):
    response = client.get(f"{API}?{query_string}")
    assert response["Content-Type"].startswith("application/json")
    return response


def test_results_facets_total_and_timing(search_backend, client):
    response = get(client, urlencode({"q": "ruou ngo bac ha", "locale": "vi"}))
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"results", "facets", "total", "took_ms", "page", "num_pages", "next", "previous", "query"}
    assert data["total"] >= 3 and data["took_ms"] >= 0
    first = data["results"][0]
    assert set(first) >= {"title", "kind", "locale", "url", "snippet", "thumbnail_url", "credit", "licence"}
    titles = [result["title"] for result in data["results"]]
    assert "Rượu ngô Bản Phố Bắc Hà" in titles
    product = next(result for result in data["results"] if result["title"] == "Rượu ngô Bản Phố Bắc Hà")
    assert product["kind"] == "product" and product["locale"] == "vi"
    assert product["url"].startswith("http://testserver/vi/") and "<mark>" in product["snippet"]
    assert product["thumbnail_url"].startswith("http://testserver/")
    image = next(result for result in data["results"] if result["kind"] == "image")
    assert image["credit"] and image["licence"] and image["licence_label"]
    assert [value["value"] for value in data["facets"]["locale"] if value["selected"]] == ["vi"]
    assert {facet for facet in data["facets"]} == {"kind", "locale", "pillar", "ethnic_group", "place", "licence",
                                                   "year"}


def test_every_filter_of_the_issue(search_backend, client):
    params = {"q": "", "locale": "vi", "kind": "image", "pillar": "", "ethnic_group": "hmong", "place": "bac-ha",
              "licence": "cc-by-4.0", "year": "", "sort": "newest", "page": "1"}
    data = get(client, urlencode(params)).json()
    assert data["total"] >= 1
    for result in data["results"]:
        assert result["kind"] == "image" and result["locale"] == "vi" and result["licence"] == "cc-by-4.0"
        assert "hmong" in result["ethnic_groups"] and "bac-ha" in result["places"]
    several = get(client, "kind=story&kind=culture&locale=en").json()
    assert {result["kind"] for result in several["results"]} == {"story", "culture"}
    assert get(client, "kind=story,culture&locale=en").json()["total"] == several["total"]


def test_pagination_links(demo, client):
    data = get(client, "q=&per_page=5&page=2").json()
    assert data["page"] == 2 and len(data["results"]) == 5
    assert data["next"].endswith("per_page=5&page=3") and data["previous"].endswith("?per_page=5")  # page 1


@pytest.mark.parametrize(
    ("query_string", "parameter"),
    [
        ("kind=poem", "kind"),
        ("locale=de", "locale"),
        ("pillar=moon", "pillar"),
        ("licence=all-rights-reserved", "licence"),
        ("year=last", "year"),
        ("year=99999", "year"),
        ("ethnic_group=" + quote("H'Mông!"), "ethnic_group"),
        ("place=" + quote("<script>"), "place"),
        ("sort=random", "sort"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=two", "page"),
        ("page=1000&per_page=100", "page"),
        ("per_page=1000", "per_page"),
        ("q=a&q=b", "q"),
        ("q=" + "a" * 10_000, "q"),
        ("q=%ff%fe", "q"),
        ("q=%ed%a0%80", "q"),  # an encoded UTF-16 surrogate is not UTF-8
        ("kind=%c3", "kind"),
    ],
)
def test_bad_parameters_get_a_400_naming_them(db, client, query_string, parameter):
    response = get(client, query_string)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["parameter"] == parameter and error["message"]


HOSTILE = [
    '"unbalanced', 'rượu "ngô', '""', "NEAR(", "NEAR(a b, 3)", "*", "^", '"', "-", "OR", "AND", "NOT",
    "a OR", "OR b", "-a -b", "fansi* OR -", "title:Fansipan", "{title text}: x", "col1 : x", "a + b",
    "'; DROP TABLE search_searchdocument; --", "1' OR '1'='1", "%", "_", "\\", "\\'", "$$", "@@", "&&", "||", "!",
    "<->", ":*", "'a':* & !b", "(((((", ")))", "[]{}", "\x00", "a\x00b", "\x01\x02\x1b[31m", "\t\n\r", "\u202e",
    "\ufeff", "🙂🙂", "𠀀", "ǅ ﬁ Å", "ÀÁÂÃ" * 300, "mot " * 40, "a" * 999, "茶" * 500,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_give_a_500(search_backend, client, text):
    for endpoint in (API, f"{API}/suggest", "/vi/search/"):
        response = client.get(endpoint, {"q": text})
        assert response.status_code in (200, 400), (endpoint, response.status_code)
        if response.status_code == 400 and endpoint.startswith(API):
            assert response.json()["error"]["parameter"] == "q"


def test_ten_thousand_characters_is_a_clear_400(db, client):
    response = client.get(API, {"q": "Lào Cai " * 1250})
    assert response.status_code == 400
    assert "too long" in response.json()["error"]["message"]


def test_only_get_is_allowed(db, client):
    assert client.post(API, {"q": "x"}).status_code == 405


def test_suggestions_complete_the_last_word(search_backend, client):
    data = client.get(f"{API}/suggest", {"q": "Fansi"}).json()
    titles = [suggestion["title"] for suggestion in data["suggestions"]]
    assert titles and all("Fansipan" in title or "番西邦" in title for title in titles)
    assert len(titles) <= 8
    data = client.get(f"{API}/suggest", {"q": "ruộng bậc th", "locale": "vi"}).json()
    assert "Ruộng bậc thang Y Tý mùa nước đổ" in [suggestion["title"] for suggestion in data["suggestions"]]
