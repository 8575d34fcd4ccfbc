"""The pull formats. Each module turns one page of a feed (items and
tombstones, already selected and ordered) into bytes:

* ``json``: JSON Feed 1.1, our fields under ``_laocai``;
* ``atom``: Atom 1.0 with Media RSS, GeoRSS and RFC 6721 tombstones;
* ``rss``: RSS 2.0 with Media RSS, GeoRSS and the same tombstones;
* ``ninjs``: IPTC ninjs 2.2 items (tombstones are ``pubstatus: canceled``);
* ``newsml``: an IPTC NewsML-G2 2.35 ``newsMessage`` (tombstones are
  ``stat:canceled`` news items).
"""

from __future__ import annotations

from types import ModuleType

from . import atom, jsonfeed, newsml, ninjs, rss
from .base import FRAGMENTS_VERSION, FeedPage, Row

__all__ = ["FRAGMENTS_VERSION", "FeedPage", "Row", "formats", "fragment_field", "render_fragments"]


def formats() -> dict[str, ModuleType]:
    """Format name (the feed address's extension) → its module."""
    return {"json": jsonfeed, "atom": atom, "rss": rss, "ninjs": ninjs, "newsml": newsml}


def fragment_field(fmt: str) -> str:
    """The ``FeedEntry`` column holding an entry rendered in ``fmt``."""
    return f"fragment_{fmt}"


def render_fragments(row: Row) -> dict[str, str]:
    """Column → text of ``row`` in every format."""
    return {fragment_field(fmt): module.fragment(row) for fmt, module in formats().items()}
