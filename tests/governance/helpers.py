"""Helpers of the governance tests: the demo's users by role, and driving
the Wagtail page editor as a browser would (the edit form is read back from
the page's own HTML)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from wagtail.blocks import ListBlock, StreamBlock, StructBlock
from wagtail.fields import StreamField
from wagtail.test.utils.form_data import inline_formset, nested_form_data, querydict_from_html, rich_text, streamfield

from storybank.stories.models import StoryIndexPage, StoryPage
from storybank.taxonomy.models import ContributingUnit

ROLES = {
    "administrator": "quantri",
    "editor": "bientap",
    "reviewer": "kiemduyet",
    "partner_manager": "doitac",
    "translator_en": "dich-en",
    "translator_zh": "dich-zh",
    "contributor_sapa": "dongop-sapa",
    "contributor_press": "dongop-baolaocai",
}


def user(role: str) -> Any:
    return get_user_model().objects.get(username=ROLES[role])


def unit(slug: str) -> ContributingUnit:
    return ContributingUnit.objects.get(slug=slug)


def story(slug: str, language: str = "vi") -> StoryPage:
    return StoryPage.objects.get(slug=slug, locale__language_code=language)


def story_index(language: str = "vi") -> StoryIndexPage:
    return StoryIndexPage.objects.get(locale__language_code=language)


def denied(response: Any) -> bool:
    """Wagtail answers a refused admin request with a redirect to the
    dashboard and "Sorry, you do not have permission…" (or 403 for XHR)."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response.url in (reverse("wagtailadmin_home"), "/admin/")


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def edit_url(page: Any) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def block_post_data(block: Any, state: Any, prefix: str) -> dict[str, Any]:
    """A StreamField value's form state as the editor's JavaScript posts it
    (stream and list children with count/type/order/deleted/id, struct
    children by name, choosers by id)."""
    data: dict[str, Any] = {}
    if isinstance(block, StreamBlock):
        data[f"{prefix}-count"] = len(state)
        for index, child in enumerate(state):
            child_prefix = f"{prefix}-{index}"
            data.update({f"{child_prefix}-type": child["type"], f"{child_prefix}-deleted": "",
                         f"{child_prefix}-order": index, f"{child_prefix}-id": child.get("id") or ""})
            data.update(block_post_data(block.child_blocks[child["type"]], child["value"], f"{child_prefix}-value"))
    elif isinstance(block, ListBlock):
        data[f"{prefix}-count"] = len(state)
        for index, child in enumerate(state):
            child_prefix = f"{prefix}-{index}"
            data.update({f"{child_prefix}-deleted": "", f"{child_prefix}-order": index,
                         f"{child_prefix}-id": child.get("id") or ""})
            data.update(block_post_data(block.child_block, child["value"], f"{child_prefix}-value"))
    elif isinstance(block, StructBlock):
        for name, child_block in block.child_blocks.items():
            data.update(block_post_data(child_block, state.get(name), f"{prefix}-{name}"))
    elif isinstance(state, dict) and "id" in state:  # a chooser
        data[prefix] = state["id"]
    else:
        data[prefix] = "" if state is None else state
    return data


def edit_form(client: Client, page: Any) -> Any:
    """The page editor's form data as the browser would send it back: the
    fields and inline panels from the HTML, StreamFields (which the browser's
    JavaScript renders) from the latest revision."""
    response = client.get(edit_url(page))
    assert response.status_code == 200, f"cannot open the editor of {page}: {response.status_code}"
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    current = page.specific.get_latest_revision_as_object()
    for field in current._meta.get_fields():
        if isinstance(field, StreamField):
            value = getattr(current, field.name)
            data.update(block_post_data(field.stream_block, field.stream_block.get_form_state(value), field.name))
    return data


def post_edit(client: Client, page: Any, action: str | None = None, **changes: Any) -> Any:
    """Submit the editor of ``page`` with ``changes``; ``action`` is "publish",
    "submit", or a workflow action ("approve", "reject")."""
    data = edit_form(client, page)
    for name, value in changes.items():
        data[name] = value
    if action in ("publish", "submit"):
        data[f"action-{action}"] = action
    elif action is not None:
        data["action-workflow-action"] = "true"
        data["workflow-action-name"] = action
    return client.post(edit_url(page), data)


def new_story_data(title: str, slug: str, unit_id: int | str, *, image_id: int | None = None,
                   sensitive: bool = False, pillar: str = "sapa") -> dict[str, Any]:
    body: list[tuple[str, Any]] = [("paragraph", rich_text("<p>Bài viết thử nghiệm của đơn vị.</p>"))]
    if image_id is not None:
        body.append(("image", {"image": image_id, "caption": "", "credit": ""}))
    return nested_form_data({
        "title": title, "slug": slug, "lede": "Một câu tóm tắt ngắn.", "pillar": pillar,
        "hero_image": "", "body": streamfield(body),
        "place_links": inline_formset([]), "ethnic_group_links": inline_formset([]),
        "topic_links": inline_formset([]), "comments": inline_formset([]),
        "contributing_unit": unit_id, "sensitive_border": "on" if sensitive else "",
    })


def create_story(client: Client, title: str, slug: str, unit_id: int | str, *, action: str | None = None,
                 **options: Any) -> Any:
    """Create a story under the Vietnamese story index through the admin."""
    data = new_story_data(title, slug, unit_id, **options)
    if action:
        data[f"action-{action}"] = action
    url = reverse("wagtailadmin_pages:add", args=["stories", "storypage", story_index().pk])
    return client.post(url, data)
