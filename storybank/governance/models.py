"""Editorial governance: who belongs to which unit, how items are reviewed,
which assets were withdrawn when their rights ran out, and the items each
unit features this week.

* ``UnitWorkspace``: a contributing unit's Wagtail group (its contributors)
  and asset collection. Membership of the group *is* membership of the unit,
  so administrators manage contributors with Wagtail's own user screens.
* ``ReviewTask``: Wagtail's group approval task that will not approve, at
  the step that publishes, an item that may not be published (consent
  missing, or a sensitive item outside the sensitive review), and lets
  nobody approve their own submission (four eyes).
* ``ReviewWorkflows``: which workflow reviews sensitive items, and which
  workflows (none by default) allow self-approval (a setting).
* ``RightsWithdrawal``: the record of an asset withdrawn when its rights
  expired, with the pages that used it (what editors are told).
* ``WeeklyHighlight``: one of a unit's one or two featured items of a week.
* ``ExportRecord``: an export somebody made (an audit log entry needs an object).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import AbstractGroupApprovalTask, Collection, Workflow

from storybank.assets.models import LaoCaiImage, MediaAsset
from storybank.core.models import content_page_models
from storybank.core.visibility import is_page_public
from storybank.taxonomy.models import ContributingUnit

from .publishing import PublishingRefused, publishing_blockers
from .workflows import allows_self_approval

#: How many items a unit may feature in one week.
HIGHLIGHTS_PER_UNIT = 2


class UnitWorkspace(models.Model):
    """A contributing unit's group of contributors and its asset collection."""

    unit = models.OneToOneField(
        ContributingUnit, verbose_name=_("contributing unit"), on_delete=models.CASCADE, related_name="workspace"
    )
    group = models.OneToOneField(
        Group, verbose_name=_("contributors' group"), on_delete=models.CASCADE, related_name="unit_workspace"
    )
    collection = models.OneToOneField(
        Collection, verbose_name=_("asset collection"), on_delete=models.PROTECT, related_name="unit_workspace"
    )

    class Meta:
        verbose_name = _("unit workspace")
        verbose_name_plural = _("unit workspaces")

    def __str__(self) -> str:
        return str(self.unit)


class ReviewTask(AbstractGroupApprovalTask):
    """Approval by a group, refusing to approve what may not be published.

    At the last step of a workflow (the approval that publishes), the
    "approve" actions are withheld while the item has publishing blockers
    (``storybank.governance.publishing.publishing_blockers``); reviewers can
    still request changes, and the editor shows them why.
    """

    class Meta:
        verbose_name = _("review task")
        verbose_name_plural = _("review tasks")

    @classmethod
    def get_description(cls) -> str:
        return _("Members of the chosen groups approve or request changes; items that may not be published "
                 "(consent missing, sensitive items outside the sensitive review) cannot be approved for publishing.")

    def publishes(self, obj: Any) -> bool:
        """Is this the last active step of ``obj``'s workflow in progress?"""
        state = getattr(obj, "current_workflow_state", None)
        if state is None:
            return False
        last = (
            state.workflow.workflow_tasks.filter(task__active=True).order_by("-sort_order").values_list(
                "task_id", flat=True).first()
        )
        return last == self.pk

    def blockers(self, obj: Any) -> list[str]:
        if not self.publishes(obj):
            return []
        revision = obj.get_latest_revision()
        candidate = revision.as_object() if revision else obj
        return publishing_blockers(candidate, workflow=obj.current_workflow_state.workflow)

    def own_work(self, obj: Any, user: Any) -> bool:
        """Did ``user`` submit ``obj`` for this review, or write the version
        being reviewed or a change during it? Such a user may not approve it
        (four eyes) unless the workflow allows self-approval."""
        state = getattr(obj, "current_workflow_state", None)
        if state is None or user is None or allows_self_approval(state.workflow):
            return False
        if state.requested_by_id == user.pk:
            return True
        first_step = state.task_states.order_by("started_at", "pk").select_related("revision").first()
        submitted = first_step.revision if first_step is not None else None
        if submitted is not None and submitted.user_id == user.pk:
            return True
        since = submitted.created_at if submitted is not None else state.created_at
        return obj.revisions.filter(created_at__gte=since, user_id=user.pk).exists()

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, str, bool]]:
        actions = super().get_actions(obj, user)
        if actions and (self.blockers(obj) or self.own_work(obj, user)):
            return [action for action in actions if action[0] != "approve"]
        return actions

    def on_action(self, task_state: Any, user: Any, action_name: str, **kwargs: Any) -> Any:
        if action_name == "approve":
            item = task_state.workflow_state.content_object
            if self.own_work(item, user):
                raise PublishingRefused([_("You submitted or changed “%(title)s” in this review: another reviewer "
                                           "must approve it.") % {"title": str(item)}])
            blockers = self.blockers(item)
            if blockers:
                raise PublishingRefused(blockers)
        return super().on_action(task_state, user, action_name, **kwargs)


@register_setting(icon="tasks")
class ReviewWorkflows(BaseGenericSetting):
    """Which workflows review items. The standard one is Wagtail's workflow
    of the page tree; sensitive items (border, ethnicity, religion, foreign
    affairs) go through the sensitive one instead."""

    standard_workflow = models.ForeignKey(
        Workflow, verbose_name=_("standard review"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Assigned to the whole page tree by “setup_governance”."),
    )
    sensitive_workflow = models.ForeignKey(
        Workflow, verbose_name=_("sensitive review"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Used instead for items flagged sensitive."),
    )

    self_approval_workflows = models.ManyToManyField(
        Workflow, verbose_name=_("workflows allowing self-approval"), blank=True, related_name="+",
        help_text=_("By default nobody approves an item they submitted or changed during its review (four eyes). "
                    "Tick a workflow to let its reviewers approve their own items."),
    )

    panels = [FieldPanel("standard_workflow"), FieldPanel("sensitive_workflow"), FieldPanel("self_approval_workflows")]

    class Meta:
        verbose_name = _("review workflows")


class RightsWithdrawal(models.Model):
    """An image or media asset withdrawn because its rights expired."""

    class AssetKind(models.TextChoices):
        IMAGE = "image", _("Image")
        MEDIA = "media", _("Media asset")

    asset_kind = models.CharField(_("asset kind"), max_length=10, choices=AssetKind.choices)
    asset_id = models.PositiveBigIntegerField(_("asset ID"))
    title = models.CharField(_("title"), max_length=255)
    credit = models.CharField(_("credit"), max_length=255, blank=True)
    rights_expire_on = models.DateField(_("rights expired on"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), default=timezone.now)
    renditions_deleted = models.PositiveIntegerField(_("renditions deleted"), default=0)
    #: [{"id": 12, "title": "…", "locale": "vi", "live": true}, …] when withdrawn.
    pages = models.JSONField(_("pages that used it"), default=list, blank=True)
    notified = models.PositiveIntegerField(_("editors notified"), default=0)

    class Meta:
        verbose_name = _("rights withdrawal")
        verbose_name_plural = _("rights withdrawals")
        ordering = ["-withdrawn_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset_kind", "asset_id", "rights_expire_on"], name="governance_one_withdrawal_per_expiry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.rights_expire_on:%Y-%m-%d})"

    @property
    def asset(self) -> Any:
        model = LaoCaiImage if self.asset_kind == self.AssetKind.IMAGE else MediaAsset
        return model.objects.filter(pk=self.asset_id).first()


def week_start(day: datetime.date | None = None) -> datetime.date:
    """The Monday of ``day``'s ISO week (today's by default)."""
    day = day or timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


class WeeklyHighlight(models.Model):
    """One of a contributing unit's featured items of a week."""

    unit = models.ForeignKey(
        ContributingUnit, verbose_name=_("contributing unit"), on_delete=models.CASCADE, related_name="+"
    )
    week = models.DateField(
        _("week"), default=week_start, help_text=_("Any day of the week; it is stored as that week's Monday.")
    )
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("featured item"), on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chosen by"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("chosen at"), auto_now_add=True)

    panels = [
        FieldPanel("week"),
        FieldPanel("unit"),
        PageChooserPanel("page", ["stories.StoryPage", "products.OCOPProductPage", "culture.CultureEntryPage"]),
    ]

    class Meta:
        verbose_name = _("weekly highlight")
        verbose_name_plural = _("weekly highlights")
        ordering = ["-week", "unit__name", "created_at"]
        constraints = [models.UniqueConstraint(fields=["week", "page"], name="governance_highlight_once_a_week")]

    def __str__(self) -> str:
        return f"{self.week:%Y-%m-%d} · {self.unit} · {self.page.title if self.page_id else ''}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.week = week_start(self.week)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.week:
            self.week = week_start(self.week)
        if not self.page_id or not self.unit_id:
            return
        page = self.page.specific
        errors: dict[str, Any] = {}
        if not isinstance(page, tuple(content_page_models())):
            errors["page"] = _("Only stories, OCOP products and culture entries can be featured.")
        elif not is_page_public(page):
            errors["page"] = _("Only published, public items can be featured.")
        elif page.contributing_unit_id != self.unit_id:
            errors["page"] = _("“%(title)s” belongs to another unit (%(unit)s).") % {
                "title": page.title, "unit": page.contributing_unit or _("no unit")}
        same_week = WeeklyHighlight.objects.filter(unit_id=self.unit_id, week=self.week).exclude(pk=self.pk)
        if same_week.filter(page__translation_key=page.translation_key).exists():
            errors["page"] = _("This item is already featured this week.")
        elif same_week.count() >= HIGHLIGHTS_PER_UNIT:
            errors["__all__"] = _("%(unit)s already features %(count)s items in the week of %(week)s.") % {
                "unit": self.unit, "count": HIGHLIGHTS_PER_UNIT, "week": self.week.strftime("%d/%m/%Y")}
        if errors:
            raise ValidationError(errors)


class ExportRecord(models.Model):
    """An export made by a person or a partner (press kit, full feed sync,
    spreadsheet of an admin listing), kept so the audit log can name it."""

    what = models.CharField(_("what"), max_length=255)
    format = models.CharField(_("format"), max_length=20, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    partner = models.CharField(_("partner"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.what} ({self.format})" if self.format else self.what
