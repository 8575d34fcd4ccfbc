"""Reading what a rendered page says about itself: meta tags, links, JSON-LD."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@dataclass
class Head:
    meta: dict[str, list[str]] = field(default_factory=dict)
    canonical: str = ""
    alternates: dict[str, str] = field(default_factory=dict)
    jsonld: list[dict] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)
    html_lang: str = ""

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]


def read_head(html: str) -> Head:
    head = Head(jsonld=[json.loads(block) for block in JSONLD.findall(html)])

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "html":
                head.html_lang = attributes.get("lang", "")
            elif tag == "meta" and ("property" in attributes or "name" in attributes):
                key = attributes.get("property") or attributes.get("name")
                head.meta.setdefault(key, []).append(attributes.get("content", ""))
            elif tag == "link" and attributes.get("rel") == "canonical":
                head.canonical = attributes["href"]
            elif tag == "link" and attributes.get("rel") == "alternate" and "hreflang" in attributes:
                head.alternates[attributes["hreflang"]] = attributes["href"]
            elif tag == "img":
                head.images.append(attributes)

    Parser().feed(html)
    return head


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
