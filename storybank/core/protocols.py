"""What the apps built on the core hand to a page type or a block when they
ask it for its part.

A page type says what it is for each audience on its own model: in a listing
(``FilteredIndexPage``), to search engines (``og_type``, ``structured_data``),
in a partner feed (``feed_details``, ``feed_body``), in the search index
(``search_text``, ``search_facts``) and to feed rules (``term_paths``,
``in_pillars``). A StreamField block renders itself as HTML (its template),
as search text (Wagtail's ``get_searchable_content``) and as feed HTML
(``feed_html``). Where a page or block needs help from the asking app (an
absolute address, a rendition, the visibility of an image) it receives one of
the objects below; the core names what they offer, the asking app implements
them (``storybank.public.seo.SchemaOrg``, ``storybank.feeds.items.ItemParts``).
"""

from __future__ import annotations

from typing import Any, Protocol


class SchemaOrg(Protocol):
    """schema.org pieces for the JSON-LD of the page being described."""

    canonical: str
    description: str

    def common(self) -> dict[str, Any]:
        """``@context``, name, description, url, language and the share image."""

    def dated(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with datePublished and dateModified."""

    def headline(self) -> str:
        """The title, cut to what search engines show."""

    def author(self) -> dict[str, Any]:
        """The contributing unit, or the publisher."""

    def publisher(self) -> dict[str, Any]: ...

    def place(self, place: Any) -> dict[str, Any]: ...

    def ethnic_group(self, group: Any) -> dict[str, Any]: ...

    def absolute(self, path: str) -> str: ...


class FeedParts(Protocol):
    """Safe HTML pieces of a partner-feed item, in the item's language. Only
    redistributable images and media appear; every address is absolute."""

    language: str

    def rich_text(self, source: str) -> str:
        """Stored rich text as HTML, links and embeds expanded."""

    def figure(self, image: Any, caption: str = "", credit: str = "") -> str:
        """A ``<figure>`` of the image's web rendition, or "" when it may not leave."""

    def media(self, asset: Any) -> dict[str, Any] | None:
        """The media item of ``asset`` (also listed in the item's ``media``), or
        ``None`` when it may not leave."""

    def place(self, place: Any) -> dict[str, Any]:
        """A place as feed items describe it."""
