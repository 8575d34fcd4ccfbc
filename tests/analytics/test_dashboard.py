"""The KPI dashboard over HTTP: who may see it, and that every figure it
shows is what the counters (and the pages) say for the same filters."""

from __future__ import annotations

import datetime

import lxml.html
import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from storybank.analytics.models import KPI_METRICS, DailyCount, Metric
from storybank.analytics.recording import Hit, increment
from storybank.core.models import content_page_models
from storybank.core.visibility import public_pages
from storybank.stories.models import StoryPage
from storybank.taxonomy.models import ContributingUnit

from .conftest import today_count

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/kpi/"


def html(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content.decode())


def card_values(tree) -> dict[str, int]:
    return {card.get("data-metric"): int(card.find_class("kpi-figure")[0].get("data-value"))
            for card in tree.find_class("kpi-card") if card.get("data-metric")}


def orm_total(metric: str, start: datetime.date, end: datetime.date, **filters) -> int:
    """The counters summed straight from the table (``end`` inclusive)."""
    rows = DailyCount.objects.filter(metric=metric, day__gte=start, day__lte=end, **filters)
    return rows.aggregate(total=Sum("count"))["total"] or 0


@pytest.fixture
def kpi_viewer(django_user_model):
    """An editor: admin access and the dashboard permission, nothing else."""
    group = Group.objects.create(name="KPI viewers")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="analytics", codename="view_kpi_dashboard"),
    )
    user = django_user_model.objects.create_user("kpi-viewer", password="mat-khau-dai-2026")
    user.groups.add(group)
    return user


@pytest.fixture
def contributor(django_user_model):
    """Someone with admin access but not the dashboard permission."""
    group = Group.objects.create(name="Contributors without KPI")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    user = django_user_model.objects.create_user("congtacvien", password="mat-khau-dai-2026")
    user.groups.add(group)
    return user


def test_only_holders_of_the_permission_see_the_dashboard(client, kpi_viewer, contributor):
    assert client.get(DASHBOARD).status_code == 302  # to the login page
    client.force_login(contributor)
    assert client.get(DASHBOARD).status_code in (302, 403)
    assert client.get(reverse("analytics:annual_report", args=[timezone.localdate().year, "xlsx"])).status_code in (
        302, 403)
    home = client.get("/admin/").content.decode()
    assert DASHBOARD not in home  # no menu item
    client.force_login(kpi_viewer)
    assert client.get(DASHBOARD).status_code == 200
    assert DASHBOARD in client.get("/admin/").content.decode()  # the menu item


def test_growth_against_last_year_and_the_target(client, kpi_viewer):
    """A year with known counters: 100 views last year, 130 this year (+30 %,
    target 120: on track); 100 downloads then, 110 now (+10 %: behind)."""
    today = timezone.localdate()
    last_year = today.replace(year=today.year - 1, day=min(today.day, 28))
    page_view, download = Hit(Metric.PAGE_VIEW, kind="story", locale="vi"), Hit(Metric.DOWNLOAD, kind="image")
    increment(page_view, 100, day=last_year)
    increment(page_view, 130, day=today)
    increment(download, 100, day=last_year)
    increment(download, 110, day=today)
    increment(page_view, 999, day=datetime.date(today.year - 1, 12, 31))  # after the same period last year
    client.force_login(kpi_viewer)
    tree = html(client.get(DASHBOARD, {"year": today.year}))
    assert card_values(tree)[Metric.PAGE_VIEW] == 130
    cards = {card.get("data-metric"): card for card in tree.find_class("kpi-card") if card.get("data-metric")}
    previous, _growth, target = cards[Metric.PAGE_VIEW].findall(".//dd")
    assert previous.get("data-value") == "100" and target.get("data-value") == "120"
    assert cards[Metric.PAGE_VIEW].find_class("kpi-status-good")
    assert cards[Metric.DOWNLOAD].find_class("kpi-status-behind")
    bars = {bar.get("data-category"): float(bar.get("data-value"))
            for bar in tree.get_element_by_id("kpi-growth").find_class("kpi-bar")}
    assert sorted(bars.values()) == [10.0, 30.0]  # feed pulls and pushes have nothing to compare with
    assert tree.get_element_by_id("kpi-growth").find_class("kpi-target"), "the target line"


def test_dashboard_figures_equal_the_counters(demo, client, kpi_viewer, visitor):
    """With the demo's two years of counters plus real visits of today."""
    story = StoryPage.objects.live().filter(locale__language_code="vi").order_by("pk").first()
    for _ in range(2):
        assert visitor.get(story.url).status_code == 200
    assert today_count(Metric.PAGE_VIEW, unit_id=story.contributing_unit_id) >= 2
    visitor.logout()
    today = timezone.localdate()
    client.force_login(kpi_viewer)
    unit = ContributingUnit.objects.get(pk=story.contributing_unit_id)
    cases = [
        ({"year": today.year}, {}, datetime.date(today.year, 1, 1), today),
        ({"year": today.year, "unit": unit.pk}, {"unit_id": unit.pk}, datetime.date(today.year, 1, 1), today),
        ({"year": today.year - 1, "pillar": "sapa", "locale": "en"}, {"pillar": "sapa", "locale": "en"},
         datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
        ({"year": today.year - 1, "kind": "image", "metric": Metric.DOWNLOAD}, {"kind": "image"},
         datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)),
    ]
    for params, filters, start, end in cases:
        tree = html(client.get(DASHBOARD, params))
        expected = {metric: orm_total(metric, start, end, **filters) for metric in KPI_METRICS}
        assert card_values(tree) == expected, params
        metric = params.get("metric", Metric.PAGE_VIEW)
        assert expected[metric] > 0, f"the demo should have figures for {params}"

        # Month by month, the line of the selected year.
        points = [point for point in tree.get_element_by_id("kpi-monthly").find_class("kpi-point")
                  if point.get("data-series") == str(params["year"])]
        months = [orm_total(metric, datetime.date(params["year"], m, 1),
                            (datetime.date(params["year"] + m // 12, m % 12 + 1, 1) - datetime.timedelta(days=1)),
                            **filters) for m in range(1, 13)]
        assert [int(point.get("data-value")) for point in points] == months[: len(points)]
        assert len(points) == (today.month if params["year"] == today.year else 12)

        # The breakdown by unit: each bar is that unit's sum; together they make the total.
        bars = tree.get_element_by_id("kpi-by-unit").find_class("kpi-bar")
        assert sum(int(bar.get("data-value")) for bar in bars) == expected[metric]
        names = dict(ContributingUnit.objects.values_list("name", "pk"))
        for bar in bars:
            unit_id = names.get(bar.get("data-category"))
            if unit_id is not None:
                assert int(bar.get("data-value")) == orm_total(metric, start, end, **{**filters, "unit_id": unit_id})


def test_the_share_of_content_in_other_languages_follows_the_pages(demo, client, kpi_viewer):
    client.force_login(kpi_viewer)

    def shares() -> tuple[int, int, int]:
        tree = html(client.get(DASHBOARD))
        cards = {card.get("data-share"): card for card in tree.find_class("kpi-card") if card.get("data-share")}
        items_text = cards["foreign"].findall(".//p")[-1].text_content()
        items = int([word for word in items_text.split() if word.isdigit()][-1])
        return (items, int(cards["foreign"].find_class("kpi-figure")[0].get("data-value")),
                int(cards["minority"].find_class("kpi-figure")[0].get("data-value")))

    groups = set()
    for model in content_page_models():
        groups |= set(public_pages(model.objects.all()).values_list("translation_key", flat=True))
    items, foreign, minority = shares()
    assert items == len(groups)
    assert 0 < minority < foreign < items

    # A story translated into H'Mông counts as available in a minority language; withdrawn, it no longer does.
    hmong = Locale.objects.get(language_code="hmn")
    story = next(page for page in StoryPage.objects.live().filter(locale__language_code="vi").order_by("pk")
                 if page.get_translation_or_none(hmong) is None)
    translation = story.copy_for_translation(hmong)
    translation.title = "Zaj dab neeg tshiab"
    translation.save_revision().publish()
    assert shares() == (items, foreign, minority + 1)
    translation.refresh_from_db()
    translation.unpublish()
    assert shares() == (items, foreign, minority)


def test_bad_filters_are_reported_not_fatal(demo, client, kpi_viewer):
    client.force_login(kpi_viewer)
    response = client.get(DASHBOARD, {"year": "abc", "unit": "999999", "pillar": "<script>", "metric": "nope"})
    tree = html(response)
    assert len(tree.find_class("error-message")) == 4
    assert "<script>" not in response.content.decode().split("kpi-filters")[0]
    assert card_values(tree)[Metric.PAGE_VIEW] == orm_total(
        Metric.PAGE_VIEW, datetime.date(timezone.localdate().year, 1, 1), timezone.localdate())


def test_every_chart_is_an_accessible_picture_with_its_data(demo, client, kpi_viewer):
    client.force_login(kpi_viewer)
    for metric in KPI_METRICS:
        tree = html(client.get(DASHBOARD, {"metric": metric}))
        charts = tree.find_class("kpi-chart")
        assert len(charts) >= 7
        for chart in charts:
            assert chart.get("role") == "img"
            title, desc = chart.get("aria-labelledby").split()
            assert chart.xpath(f'.//*[@id="{title}"]')[0].tag == "title"
            assert chart.xpath(f'.//*[@id="{desc}"]')[0].text_content().strip()
            assert chart.xpath(".//text"), "visible title, axes and values"
            figure = chart.getparent()
            assert figure.tag == "figure" and figure.find_class("kpi-table"), "a data table with every chart"
            values = [element.get("data-value") for element in chart.xpath(".//*[@data-value]")]
            labels = [text.text_content() for text in chart.find_class("kpi-value")]
            assert values and labels, chart.get("id")
        assert b"<script" not in b"".join(lxml.html.tostring(chart) for chart in charts)
