from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import ContributingUnit, EthnicGroup, Place, Topic


class EthnicGroupViewSet(SnippetViewSet):
    model = EthnicGroup
    icon = "group"
    list_display = ["name", "autonym", "slug", "locale"]
    search_fields = ["name", "autonym"]


class PlaceViewSet(SnippetViewSet):
    model = Place
    icon = "site"
    list_display = ["name", "kind", "latitude", "longitude", "locale"]
    list_filter = ["kind"]
    search_fields = ["name"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug", "locale"]


class ContributingUnitViewSet(SnippetViewSet):
    model = ContributingUnit
    icon = "home"
    list_display = ["name", "kind", "place"]
    list_filter = ["kind"]
    search_fields = ["name"]


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Taxonomy")
    menu_icon = "folder-open-inverse"
    menu_order = 300
    items = (EthnicGroupViewSet, PlaceViewSet, TopicViewSet, ContributingUnitViewSet)


register_snippet(TaxonomyViewSetGroup)
