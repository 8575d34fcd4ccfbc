"""The editorial roles as Wagtail groups, and the review workflows.

``setup_governance()`` (the ``setup_governance`` command, run by ``make
demo``) makes the groups, their permissions, the units' workspaces and the
two workflows exactly what this module says; running it again changes only
what differs. The groups it manages are authoritative: permissions added to
them by hand are removed on the next run (add people to groups, not
permissions to groups).

* Contributors · <unit>: "add" on the Vietnamese sections (stories, OCOP
  products, culture); edit their unit's pages only (see ``permissions``);
  add and edit images and media in their unit's collection (their uploads
  await an editor's review); choose any image.
* Editors: every page permission on the whole tree (sensitive items are
  published by the sensitive review only), every asset and approving
  contributors' uploads (which wait for them), taxonomy, weekly
  highlights, submitting translations, the withdrawn-assets report, the KPI
  dashboard and its annual report, retracting pages and assets, approving
  press accounts and access requests to restricted photos.
* Sensitive-content reviewers: the last step of the sensitive review (they
  open and approve items on that step only); approving the retraction of
  items flagged sensitive.
* Translators · <locale>: "change" on that locale's tree only, never the
  Vietnamese source.
* Partner managers: partners, feeds, API keys, push destinations, deliveries.
* Administrators: every permission (users, groups, workflows, settings)
  without being superusers, so the editorial rules hold for them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from storybank.core.models import content_page_models
from storybank.taxonomy.models import ContributingUnit

from .models import ReviewTask, ReviewWorkflows, UnitWorkspace

ADMINISTRATORS = "Administrators"
EDITORS = "Editors"
SENSITIVE_REVIEWERS = "Sensitive-content reviewers"
PARTNER_MANAGERS = "Partner managers"
TRANSLATORS = "Translators · {code}"
CONTRIBUTORS = "Contributors · {unit}"

# Workflow and task names are data that Wagtail shows as they are, inside its own sentences ("Thực hiện
# %(workflow_name)s", "Đang chờ %(task_name)s"): they are named in the bank's working language (#14).
EDITOR_REVIEW = "Biên tập duyệt"
SENSITIVE_REVIEW_TASK = "Kiểm duyệt nội dung nhạy cảm"
STANDARD_WORKFLOW = "Duyệt tiêu chuẩn"
SENSITIVE_WORKFLOW = "Duyệt nội dung nhạy cảm"
#: The English names earlier versions gave them: renamed on the next run.
FORMER_NAMES = {
    EDITOR_REVIEW: "Editor review", SENSITIVE_REVIEW_TASK: "Sensitive-content review",
    STANDARD_WORKFLOW: "Standard review", SENSITIVE_WORKFLOW: "Sensitive review",
}
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"
WAGTAIL_DEFAULT_MODERATORS = "Moderators"

ALL_PAGE_ACTIONS = ("add", "change", "publish", "bulk_delete", "lock", "unlock")
ALL_ASSET_ACTIONS = ("add", "change", "delete", "choose")

TAXONOMY_MODELS = ("taxonomy.ethnicgroup", "taxonomy.place", "taxonomy.topic", "taxonomy.contributingunit")


def translators_group_name(language_code: str) -> str:
    return TRANSLATORS.format(code=language_code)


def contributors_group_name(unit: ContributingUnit) -> str:
    return CONTRIBUTORS.format(unit=unit.name)[:150]


@dataclass
class Report:
    """What a run changed, for the command's output."""

    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)


# --- permission lookups -----------------------------------------------------------------


def perms(*labels: str) -> list[Permission]:
    """Permissions named "app_label.codename"."""
    found = []
    for label in labels:
        app_label, codename = label.split(".", 1)
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def model_perms(model_label: str, actions: Iterable[str] = ("add", "change", "delete", "view")) -> list[Permission]:
    app_label, model = model_label.split(".")
    return perms(*(f"{app_label}.{action}_{model}" for action in actions))


def retraction_perms(action: str) -> list[Permission]:
    """Retracting (editors) or approving a sensitive item's retraction (reviewers), and reading them all."""
    return perms(f"governance.{action}", "governance.view_retraction", "governance.view_correction")


def page_perm(action: str) -> Permission:
    return perms(f"wagtailcore.{action}_page")[0]


def image_perm(action: str) -> Permission:
    return perms(f"wagtailimages.{action}_image")[0]


def document_perm(action: str) -> Permission:
    return perms(f"wagtaildocs.{action}_document")[0]


def access_admin() -> Permission:
    return perms("wagtailadmin.access_admin")[0]


# --- applying a group's definition --------------------------------------------------------


def ensure_group(name: str, report: Report, *, group: Group | None = None) -> Group:
    if group is None:
        group, created = Group.objects.get_or_create(name=name)
        if created:
            report.add(f"Created group “{name}”.")
    elif group.name != name:
        report.add(f"Renamed group “{group.name}” to “{name}”.")
        group.name = name
        group.save(update_fields=["name"])
    return group


def set_model_permissions(group: Group, permissions: Iterable[Permission], report: Report) -> None:
    wanted = {permission.pk for permission in permissions}
    current = set(group.permissions.values_list("pk", flat=True))
    if wanted != current:
        group.permissions.set(wanted)
        report.add(f"{group.name}: {len(wanted)} permissions ({len(wanted - current)} added, "
                   f"{len(current - wanted)} removed).")


def set_object_permissions(
    model: type, target: str, group: Group, grants: Iterable[tuple[Any, Permission]], report: Report
) -> None:
    """Make ``group``'s rows of ``model`` (``GroupPagePermission`` on pages,
    ``GroupCollectionPermission`` on collections) exactly ``grants``."""
    wanted = {(obj.pk, permission.pk) for obj, permission in grants}
    existing = {(getattr(row, f"{target}_id"), row.permission_id): row.pk for row in model.objects.filter(group=group)}
    extra = [pk for key, pk in existing.items() if key not in wanted]
    missing = wanted - set(existing)
    if extra:
        model.objects.filter(pk__in=extra).delete()
    model.objects.bulk_create(
        [model(group=group, permission_id=permission_id, **{f"{target}_id": object_id})
         for object_id, permission_id in sorted(missing)]
    )
    if extra or missing:
        report.add(f"{group.name}: {target} permissions set ({len(missing)} added, {len(extra)} removed).")


def set_page_permissions(group: Group, grants: Iterable[tuple[Page, Permission]], report: Report) -> None:
    set_object_permissions(GroupPagePermission, "page", group, grants, report)


def set_collection_permissions(group: Group, grants: Iterable[tuple[Collection, Permission]], report: Report) -> None:
    set_object_permissions(GroupCollectionPermission, "collection", group, grants, report)


def every_asset_permission(collection: Collection, actions: Iterable[str] = ALL_ASSET_ACTIONS) -> list[tuple]:
    return [(collection, maker(action)) for action in actions for maker in (image_perm, document_perm)]


# --- where contributors and translators work ------------------------------------------------


def content_section_pages() -> list[Page]:
    """The default-locale pages content is created under (story index, OCOP
    index, culture index): contributors may add pages there."""
    parent_models = {parent for model in content_page_models() for parent in model.allowed_parent_page_models()}
    default = Locale.get_default()
    pages = Page.objects.none()
    for model in parent_models:
        pages |= Page.objects.type(model).filter(locale=default)
    return list(pages.order_by("path"))


def locale_roots(locale: Locale) -> list[Page]:
    """The top pages of ``locale``'s trees (its home pages)."""
    return list(Page.objects.filter(depth=2, locale=locale).order_by("path"))


# --- the setup ------------------------------------------------------------------------------


@transaction.atomic
def setup_governance() -> Report:
    report = Report()
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    admin = access_admin()

    administrators = ensure_group(ADMINISTRATORS, report)
    set_model_permissions(administrators, Permission.objects.all(), report)
    set_page_permissions(administrators, [(root_page, page_perm(a)) for a in ALL_PAGE_ACTIONS], report)
    set_collection_permissions(administrators, every_asset_permission(root_collection), report)

    editors = ensure_group(EDITORS, report)
    set_model_permissions(editors, [
        admin,
        *(p for label in TAXONOMY_MODELS for p in model_perms(label)),
        *model_perms("governance.weeklyhighlight"),
        *model_perms("governance.rightswithdrawal", ["view"]),
        *model_perms("assets.laocaiimage", ["view"]),  # their history in the audit log
        *model_perms("assets.mediaasset", ["view"]),
        *perms("assets.review_assets"),  # contributors' uploads wait for an editor
        *perms("wagtail_localize.submit_translation"),
        *perms("analytics.view_kpi_dashboard"),
        *retraction_perms("retract_content"),
        *perms("press_accounts.decide_press_access"),  # approve press accounts and access requests
    ], report)
    set_page_permissions(editors, [(root_page, page_perm(a)) for a in ALL_PAGE_ACTIONS], report)
    set_collection_permissions(editors, every_asset_permission(root_collection), report)

    reviewers = ensure_group(SENSITIVE_REVIEWERS, report)
    set_model_permissions(reviewers, [
        admin, *model_perms("governance.rightswithdrawal", ["view"]), *retraction_perms("approve_retraction"),
    ], report)
    set_page_permissions(reviewers, [], report)
    set_collection_permissions(reviewers, every_asset_permission(root_collection, ["choose"]), report)

    partner_managers = ensure_group(PARTNER_MANAGERS, report)
    feeds_perms = Permission.objects.filter(content_type__app_label="feeds")
    set_model_permissions(partner_managers, [admin, *feeds_perms], report)
    set_page_permissions(partner_managers, [], report)
    set_collection_permissions(partner_managers, [], report)

    setup_translators(report, admin, root_collection)
    setup_unit_workspaces(report)
    setup_workflows(report, editors, reviewers, root_page)
    retire_wagtail_defaults(report)
    return report


def setup_translators(report: Report, admin: Permission, root_collection: Collection) -> None:
    change = page_perm("change")
    for locale in Locale.objects.exclude(pk=Locale.get_default().pk).order_by("language_code"):
        group = ensure_group(translators_group_name(locale.language_code), report)
        set_model_permissions(group, [admin], report)
        roots = locale_roots(locale)
        if not roots:
            report.warnings.append(
                f"{group.name}: no pages in “{locale.language_code}” yet; run setup_governance again once the "
                "home page is translated."
            )
        set_page_permissions(group, [(page, change) for page in roots], report)
        set_collection_permissions(group, every_asset_permission(root_collection, ["choose"]), report)


def setup_unit_workspaces(report: Report) -> None:
    sections = content_section_pages()
    if not sections:
        report.warnings.append("No story, OCOP or culture section pages yet: contributors cannot add pages. "
                               "Run setup_governance again once they exist.")
    for unit in ContributingUnit.objects.order_by("name"):
        ensure_unit_workspace(unit, report, sections=sections)


def ensure_unit_workspace(
    unit: ContributingUnit, report: Report | None = None, *, sections: list[Page] | None = None
) -> UnitWorkspace:
    """The unit's contributors' group and asset collection, with their
    permissions (also run when a unit is created or renamed)."""
    report = report or Report()
    root_collection = Collection.get_first_root_node()
    workspace = UnitWorkspace.objects.select_related("group", "collection").filter(unit=unit).first()
    group = ensure_group(contributors_group_name(unit), report, group=workspace.group if workspace else None)
    if workspace is None:
        collection = root_collection.get_children().filter(name=unit.name).first()
        if collection is None:
            collection = root_collection.add_child(name=unit.name)
            report.add(f"Created collection “{unit.name}”.")
        workspace = UnitWorkspace.objects.create(unit=unit, group=group, collection=collection)
    elif workspace.collection.name != unit.name:
        workspace.collection.name = unit.name
        workspace.collection.save(update_fields=["name"])
    sections = content_section_pages() if sections is None else sections
    set_model_permissions(group, [access_admin()], report)
    set_page_permissions(group, [(page, page_perm("add")) for page in sections], report)
    set_collection_permissions(group, [
        *every_asset_permission(workspace.collection, ["add", "change", "choose"]),
        *every_asset_permission(root_collection, ["choose"]),
    ], report)
    return workspace


def rename(item: Workflow | ReviewTask, name: str, report: Report) -> None:
    """Give a workflow or task of an earlier version its current name (a name chosen by hand is kept)."""
    if item.name == FORMER_NAMES.get(name):
        report.add(f"Renamed “{item.name}” to “{name}”.")
        item.name = name
        item.save(update_fields=["name"])


def ensure_task(name: str, groups: list[Group], report: Report) -> ReviewTask:
    found = {task.name: task for task in ReviewTask.objects.filter(name__in=[name, FORMER_NAMES.get(name)])}
    task = found.get(name) or found.get(FORMER_NAMES.get(name))
    if task is None:
        task = ReviewTask.objects.create(name=name)
        report.add(f"Created review task “{name}”.")
    rename(task, name, report)
    if not task.active:
        task.active = True
        task.save(update_fields=["active"])
    if set(task.groups.values_list("pk", flat=True)) != {group.pk for group in groups}:
        task.groups.set(groups)
        report.add(f"Review task “{name}”: approved by {', '.join(group.name for group in groups)}.")
    return task


def ensure_workflow(current: Workflow | None, name: str, tasks: list[ReviewTask], report: Report) -> Workflow:
    workflow = current or Workflow.objects.filter(name__in=[name, FORMER_NAMES.get(name)]).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=name)
        report.add(f"Created workflow “{name}”.")
    rename(workflow, name, report)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    steps = list(
        WorkflowTask.objects.filter(workflow=workflow).order_by("sort_order").values_list("task_id", flat=True)
    )
    if steps != [task.pk for task in tasks]:
        WorkflowTask.objects.filter(workflow=workflow).delete()
        for order, task in enumerate(tasks):
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
        report.add(f"Workflow “{workflow.name}”: {' → '.join(task.name for task in tasks)}.")
    return workflow


def setup_workflows(report: Report, editors: Group, reviewers: Group, root_page: Page) -> None:
    editor_review = ensure_task(EDITOR_REVIEW, [editors], report)
    sensitive_review = ensure_task(SENSITIVE_REVIEW_TASK, [reviewers], report)
    chosen = ReviewWorkflows.load()
    standard = ensure_workflow(chosen.standard_workflow, STANDARD_WORKFLOW, [editor_review], report)
    sensitive = ensure_workflow(
        chosen.sensitive_workflow, SENSITIVE_WORKFLOW, [editor_review, sensitive_review], report
    )
    if (chosen.standard_workflow_id, chosen.sensitive_workflow_id) != (standard.pk, sensitive.pk):
        chosen.standard_workflow, chosen.sensitive_workflow = standard, sensitive
        chosen.save()
    link = WorkflowPage.objects.filter(page=root_page).first()
    if link is None or link.workflow_id != standard.pk:
        WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": standard})
        report.add(f"Workflow “{standard.name}” now reviews the whole page tree.")


def retire_wagtail_defaults(report: Report) -> None:
    """Wagtail's initial "Moderators approval" workflow and "Moderators"
    group are superseded by the reviews above; they are retired when unused."""
    default = Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW, active=True).first()
    if default is not None and not WorkflowPage.objects.filter(workflow=default).exists():
        in_progress = WorkflowState.objects.filter(
            workflow=default, status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES]
        )
        if not in_progress.exists():
            default.deactivate()
            report.add(f"Deactivated Wagtail's default workflow “{WAGTAIL_DEFAULT_WORKFLOW}”.")
    moderators = Group.objects.filter(name=WAGTAIL_DEFAULT_MODERATORS).first()
    if moderators is not None:
        if moderators.user_set.exists():
            report.warnings.append(
                f"Wagtail's default group “{WAGTAIL_DEFAULT_MODERATORS}” still has members and publishes "
                "everywhere; move them to “Editors” and run setup_governance again."
            )
        else:
            moderators.delete()
            report.add(f"Deleted Wagtail's empty default group “{WAGTAIL_DEFAULT_MODERATORS}”.")


def on_unit_saved(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A new or renamed contributing unit gets its contributors' group and
    collection at once, once governance has been set up."""
    if not raw and UnitWorkspace.objects.exists():
        ensure_unit_workspace(instance)
