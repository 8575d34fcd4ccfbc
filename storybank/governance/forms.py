"""Admin forms of governance.

``ContentPageForm`` is the base form of every content page: a contributor
can only give a page their own unit, so a page they create is always theirs
to edit and never lands in another unit's work (the choice is limited on
the server, not only in the widget).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from storybank.taxonomy.models import ContributingUnit

from .permissions import GovernedPagePermissionTester, unit_ids_for


class ContentPageForm(WagtailAdminPageForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("contributing_unit")
        units = self.unit_choices()
        if field is None or units is None:
            return
        field.queryset = ContributingUnit.objects.filter(pk__in=units)
        field.required = True
        field.empty_label = None
        field.help_text = _("You contribute for this unit; editors can move the item to another unit.")
        if self.instance.contributing_unit_id not in units and len(units) >= 1:
            self.initial["contributing_unit"] = sorted(units)[0]

    def unit_choices(self) -> frozenset[int] | None:
        """The units this user may give the page, or ``None`` for any unit:
        editors, administrators and translators (who may change pages here),
        and reviewers (who edit only during their workflow step)."""
        user = self.for_user
        if user is None or user.is_superuser:
            return None
        page = self.instance if self.instance.pk else self.parent_page
        if page is None:
            return None
        tester = GovernedPagePermissionTester(user, page)
        if "change" in tester.permissions or "add" not in tester.permissions:
            return None
        return unit_ids_for(user)
