"""Demo partners and feeds (idempotent; run by ``load_demo``).

Three partners as the province works with them: the national promotion
platform Vietnam.vn, the provincial foreign-information portal and a press
agency. Push destinations are created inactive with placeholder addresses,
so the demo never calls anyone. One API key is created for the press agency
the first time and printed once, so an operator can try a private feed.
"""

from __future__ import annotations

from typing import Any

from storybank.taxonomy.models import EthnicGroup

from .models import ApiKey, DestinationKind, Feed, Partner, PartnerKind, PushDestination

PARTNERS = [
    # slug, name, kind, contact, allowed locales
    ("vietnam-vn", "Vietnam.vn – Nền tảng quảng bá Việt Nam", PartnerKind.NATIONAL_PLATFORM,
     "doitac@vietnam.vn.example", []),
    ("doi-ngoai-lao-cai", "Cổng thông tin đối ngoại tỉnh Lào Cai", PartnerKind.FOREIGN_INFORMATION_PORTAL,
     "doingoai@laocai.example", ["en", "zh-hans", "fr", "ko", "ja"]),
    ("ttxvn", "Thông tấn xã Việt Nam (TTXVN)", PartnerKind.PRESS, "bientap@ttxvn.example", []),
]

FEEDS = [
    # slug, title, description, public, readers, rules
    ("vietnam-vn", "Lào Cai cho Vietnam.vn", "Mọi câu chuyện, sản phẩm OCOP và mục văn hóa, mọi ngôn ngữ.",
     False, ["vietnam-vn"], {"kinds": ["story", "product", "culture"]}),
    ("doi-ngoai", "Lào Cai bằng tiếng nước ngoài", "Câu chuyện và văn hóa bằng tiếng Anh, Trung, Pháp, Hàn, Nhật.",
     False, ["doi-ngoai-lao-cai"], {"kinds": ["story", "culture"], "locales": ["en", "zh-hans", "fr", "ko", "ja"]}),
    ("bao-chi", "Tư liệu cho báo chí", "Câu chuyện và ảnh được phép đăng lại, kèm tác giả và giấy phép.",
     False, ["ttxvn"], {"kinds": ["story", "image", "video"]}),
    ("sa-pa", "Sa Pa – điểm đến quốc tế", "Feed công khai về trụ cột Sa Pa, mọi ngôn ngữ.",
     True, [], {"pillars": ["sapa"]}),
    ("van-hoa-hmong", "Văn hóa H'Mông", "Feed công khai: văn hóa và câu chuyện về người H'Mông.",
     True, [], {"kinds": ["story", "culture"], "ethnic_groups": ["hmong"]}),
]

DESTINATIONS = [
    # partner, feed, name, kind, settings
    ("vietnam-vn", "vietnam-vn", "Webhook Vietnam.vn", DestinationKind.WEBHOOK,
     {"url": "https://api.vietnam.vn.example/laocai/webhook"}),
    ("doi-ngoai-lao-cai", "doi-ngoai", "Kho S3 cổng đối ngoại", DestinationKind.S3,
     {"bucket": "doingoai-laocai", "prefix": "laocai-story/", "endpoint_url": "https://s3.doingoai.example"}),
]


def load_demo_content(command: Any) -> None:
    partners = {}
    for slug, name, kind, email, locales in PARTNERS:
        partner, created = Partner.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "contact_email": email, "allowed_locales": locales,
                                 "notes": "Demo partner (illustrative)."},
        )
        partners[slug] = partner
        if created:
            command.count("feed partners")
    for slug, title, description, public, readers, rules in FEEDS:
        if Feed.objects.filter(slug=slug).exists():
            continue
        fields = {name: value for name, value in rules.items() if name != "ethnic_groups"}
        feed = Feed(slug=slug, title=title, description=description, is_public=public, **fields)
        feed.readers = [partners[reader] for reader in readers]
        feed.ethnic_groups = list(EthnicGroup.in_default_locale().filter(slug__in=rules.get("ethnic_groups", [])))
        feed.save()  # its items are computed once the demo transaction commits
        command.count("feeds")
    for partner_slug, feed_slug, name, kind, settings in DESTINATIONS:
        partner = partners[partner_slug]
        if not partner.push_destinations.filter(name=name).exists():
            PushDestination.objects.create(
                partner=partner, feed=Feed.objects.get(slug=feed_slug), name=name, kind=kind, active=False, **settings
            )
            command.count("push destinations (inactive)")
    press = partners["ttxvn"]
    if not press.api_keys.exists():
        _key, raw = ApiKey.issue(press, "Demo key")
        command.count("API keys")
        command.stdout.write(
            f"Demo API key for {press.name} (shown once; revoke it in Partner feeds › Partners): {raw}\n"
            f"  Try: curl -H 'Authorization: Bearer {raw}' http://127.0.0.1:8000/feeds/bao-chi.json"
        )
