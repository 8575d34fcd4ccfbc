"""Demo translation states (idempotent; run by ``load_demo``, before the feeds).

Every demo translation gets its state, and one Vietnamese story is revised
after its English translation was made, so the out-of-date notice, the
report and the translators' dashboard have something to show.
"""

from __future__ import annotations

from typing import Any

from wagtail.models import Page

from .freshness import ensure_all_states

#: The story revised after its translation, and the sentence its Vietnamese lede gains.
REVISED_STORY = "duong-sat-lao-cai-ha-noi-hai-phong"
REVISED_SENTENCE = "Đoạn đầu tiên qua Lào Cai dự kiến hoàn thành năm 2030."


def load_demo_content(command: Any) -> None:
    made = ensure_all_states()
    for _number in range(made):
        command.count("translation states")
    # A story of the demo (found by its address: the page types are a layer above this app).
    page = Page.objects.filter(slug=REVISED_STORY, locale__language_code="vi").first()
    story = page.specific if page is not None else None
    if story is not None and REVISED_SENTENCE not in story.lede:
        story.lede = f"{story.lede} {REVISED_SENTENCE}"
        story.save_revision().publish()
        command.count("revised stories (their translations now out of date)")
