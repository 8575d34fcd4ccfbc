"""Demo governance (idempotent; run by ``load_demo``): the roles and
workflows, one demo user per role, and this week's highlights.

Every demo user has the demo admin password (``DEMO_ADMIN_PASSWORD`` or
``laocai-demo-2026``), set only when the user is created.
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page

from storybank.core.models import content_page_models
from storybank.taxonomy.models import ContributingUnit

from .models import WeeklyHighlight, week_start
from .roles import (
    ADMINISTRATORS,
    EDITORS,
    PARTNER_MANAGERS,
    SENSITIVE_REVIEWERS,
    contributors_group_name,
    setup_governance,
    translators_group_name,
)

DEFAULT_PASSWORD = "laocai-demo-2026"

#: username, full name, role description, group (a name, or ("unit", slug) / ("locale", code))
USERS: list[tuple[str, str, str, Any]] = [
    ("quantri", "Trần Quản Trị", "administrator", ADMINISTRATORS),
    ("bientap", "Lê Thị Biên Tập", "editor (reviews and publishes)", EDITORS),
    ("kiemduyet", "Phạm Văn Kiểm Duyệt", "sensitive-content reviewer", SENSITIVE_REVIEWERS),
    ("doitac", "Hoàng Đối Tác", "partner manager", PARTNER_MANAGERS),
    ("dich-en", "Nguyễn Thu Dịch", "translator, English", ("locale", "en")),
    ("dich-zh", "Vương Tiểu Dịch", "translator, Chinese", ("locale", "zh-hans")),
    ("dongop-sapa", "Giàng Thị Mỷ", "contributor, UBND phường Sa Pa", ("unit", "phuong-sa-pa")),
    ("dongop-baolaocai", "Đỗ Văn Phóng Viên", "contributor, Báo Lào Cai", ("unit", "bao-lao-cai")),
]

#: unit slug → slugs of the (Vietnamese) stories featured this week (one or two per unit).
HIGHLIGHTS = {
    "phuong-sa-pa": ["homestay-ta-van"],
    "xa-y-ty": ["ruong-bac-thang-y-ty-mua-nuoc-do"],
    "bao-lao-cai": ["sa-pa-mua-dong-tuyet-roi", "hat-then-tay-van-ban"],
}


def group_for(spec: Any) -> Group | None:
    if isinstance(spec, str):
        return Group.objects.filter(name=spec).first()
    kind, key = spec
    if kind == "locale":
        return Group.objects.filter(name=translators_group_name(key)).first()
    unit = ContributingUnit.objects.filter(slug=key).first()
    return Group.objects.filter(name=contributors_group_name(unit)).first() if unit else None


def load_demo_content(command: Any) -> None:
    report = setup_governance()
    if report.lines:
        command.stdout.write("Set up the editorial roles, unit workspaces and review workflows (setup_governance).")
    password = os.environ.get("DEMO_ADMIN_PASSWORD", DEFAULT_PASSWORD)
    User = get_user_model()
    lines = []
    for username, full_name, role, spec in USERS:
        group = group_for(spec)
        if group is None:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:  # Vietnamese names read family name first: the whole name is kept as written
            user = User.objects.create_user(username, f"{username}@laocai.example", password, first_name=full_name)
            command.count("demo users")
        user.groups.add(group)
        lines.append(f"  {username:<18} {role}")
    load_highlights(command)
    command.stdout.write(
        f"Demo users (password '{password}' when created by the demo):\n" + "\n".join(lines)
    )


def load_highlights(command: Any) -> None:
    week = week_start()
    for unit_slug, story_slugs in HIGHLIGHTS.items():
        unit = ContributingUnit.objects.filter(slug=unit_slug).first()
        if unit is None or WeeklyHighlight.objects.filter(unit=unit, week=week).exists():
            continue
        content = Page.objects.live().type(*content_page_models()).filter(locale__language_code="vi")
        for slug in story_slugs:
            page = content.filter(slug=slug).first()
            if page is not None:
                WeeklyHighlight.objects.create(unit=unit, week=week, page=page)
                command.count("weekly highlights")
