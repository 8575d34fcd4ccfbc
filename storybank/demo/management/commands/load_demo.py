"""Load the demo content: taxonomy, 30 generated photos, the page tree in
seven locales, 12 stories, 8 OCOP products and 10 culture entries.

Idempotent: every object is looked up by its stable key (slug, title) and
only created when missing, so a second run changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import os
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from storybank.assets.models import LaoCaiImage
from storybank.culture.models import CultureEntryPage, CultureEthnicGroup, CultureIndexPage, CulturePlace
from storybank.demo import content_data, taxonomy_data
from storybank.demo.images import IMAGE_SPECS, draw_image
from storybank.demo.registry import run_app_demo_loaders
from storybank.home.models import HomePage
from storybank.products.models import OCOPIndexPage, OCOPProductImage, OCOPProductPage
from storybank.stories.models import StoryEthnicGroup, StoryIndexPage, StoryPage, StoryPlace, StoryTopic
from storybank.taxonomy.models import ContributingUnit, EthnicGroup, Place, Topic

ADMIN_USERNAME = "admin"
DEFAULT_ADMIN_PASSWORD = "laocai-demo-2026"

HOME_TEXT = {
    "vi": ("Câu chuyện Lào Cai", "Câu chuyện Lào Cai", "Kho tư liệu số về con người, sản phẩm và văn hóa Lào Cai."),
    "en": ("Lao Cai Story", "Lao Cai Story", "The digital asset bank of Lao Cai's people, products and culture."),
    "zh-hans": ("老街故事", "老街故事", "老街省人物、产品与文化的数字资源库。"),
    "fr": ("Histoires de Lào Cai", "Histoires de Lào Cai", "La banque numérique des gens, des produits et des cultures de Lào Cai."),
    "ko": ("라오까이 이야기", "라오까이 이야기", "라오까이의 사람, 특산품, 문화를 담은 디지털 자료실."),
    "ja": ("ラオカイ物語", "ラオカイ物語", "ラオカイの人々、産品、文化のデジタル資料バンク。"),
    "hmn": ("Zaj dab neeg Lào Cai", "Zaj dab neeg Lào Cai", "Cov duab thiab cov dab neeg ntawm Lào Cai."),
}

#: The pillars' texts; their headings are the pillars' names (``Pillar``).
PILLAR_TEXT = {
    "vi": ["Núi non, ruộng bậc thang và bản làng đón du khách bốn mùa.",
           "Cửa khẩu, đường sắt và hành lang kinh tế nối Việt Nam với Vân Nam.",
           "Lễ hội, nghề thủ công, âm nhạc và tiếng nói của hơn 30 dân tộc."],
    "en": ["Mountains, terraces and villages welcome visitors in every season.",
           "Border gates, railways and the economic corridor linking Vietnam and Yunnan.",
           "Festivals, crafts, music and languages of more than 30 ethnic groups."],
    "zh-hans": ["群山、梯田和村寨四季迎客。",
                "口岸、铁路和经济走廊连接越南与云南。",
                "三十多个民族的节庆、手工艺、音乐与语言。"],
    "fr": ["Montagnes, rizières en terrasses et villages accueillent en toute saison.",
           "Postes frontières, rail et corridor économique vers le Yunnan.",
           "Fêtes, artisanats, musiques et langues de plus de 30 peuples."],
    "ko": ["산과 계단식 논, 마을이 사계절 손님을 맞습니다.",
           "국경 관문, 철도, 경제 회랑이 베트남과 윈난을 잇습니다.",
           "30여 민족의 축제, 공예, 음악과 언어."],
    "ja": ["山々と棚田、村が四季を通じて旅人を迎えます。",
           "国境ゲート、鉄道、経済回廊がベトナムと雲南を結びます。",
           "30以上の民族の祭り、工芸、音楽、言葉。"],
    "hmn": ["Roob, teb thiab zos tos txais qhua.",
            "Kev lag luam hla ciam teb.",
            "Cov koob tsheej, paj ntaub thiab suab paj nruag."],
}

INDEX_TITLES = {
    # slug: {locale: (title, intro)}
    "cau-chuyen": {
        "vi": ("Câu chuyện", "Những câu chuyện truyền cảm hứng từ Lào Cai."),
        "en": ("Stories", "Inspiring stories from Lao Cai."),
        "zh-hans": ("故事", "来自老街的精彩故事。"),
        "fr": ("Récits", "Des récits inspirants de Lào Cai."),
        "ko": ("이야기", "라오까이의 감동적인 이야기."),
        "ja": ("ストーリー", "ラオカイから届く物語。"),
        "hmn": ("Dab neeg", "Cov dab neeg los ntawm Lào Cai."),
    },
    "san-pham-ocop": {
        "vi": ("Sản phẩm OCOP", "Sản phẩm Mỗi xã một sản phẩm đạt 3 đến 5 sao."),
        "en": ("OCOP products", "One Commune One Product goods rated 3 to 5 stars."),
        "zh-hans": ("OCOP产品", "获得三至五星评级的“一乡一品”产品。"),
        "fr": ("Produits OCOP", "Produits « une commune, un produit » classés de 3 à 5 étoiles."),
        "ko": ("OCOP 특산품", "3~5성 등급의 '1읍면 1특산품'."),
        "ja": ("OCOP製品", "3〜5つ星の「一村一品」製品。"),
        "hmn": ("Khoom OCOP", "Cov khoom zoo ntawm txhua lub zos."),
    },
    "van-hoa": {
        "vi": ("Văn hóa dân tộc", "Di sản văn hóa của hơn 30 dân tộc Lào Cai."),
        "en": ("Ethnic culture", "The cultural heritage of Lao Cai's more than 30 ethnic groups."),
        "zh-hans": ("民族文化", "老街三十多个民族的文化遗产。"),
        "fr": ("Cultures ethniques", "Le patrimoine de plus de 30 peuples de Lào Cai."),
        "ko": ("민족 문화", "라오까이 30여 민족의 문화유산."),
        "ja": ("民族文化", "ラオカイの30以上の民族の文化遺産。"),
        "hmn": ("Kab lis kev cai", "Kab lis kev cai ntawm cov haiv neeg hauv Lào Cai."),
    },
}


class Command(BaseCommand):
    help = "Load (idempotently) the Lào Cai Story demo content and create an admin user."

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_CONTENT_ALLOWED", True):
            raise CommandError(
                "load_demo refuses to run with production settings: it creates users whose password is "
                "published in the README. Try the demo with `make demo`."
            )
        call_command("sync_locales", stdout=open(os.devnull, "w"))
        self.locales = {locale.language_code: locale for locale in Locale.objects.all()}
        self.created: dict[str, int] = {}
        with transaction.atomic():
            self.load_taxonomy()
            self.load_images()
            home = self.load_home()
            indexes = {
                "cau-chuyen": self.load_index(home, StoryIndexPage, "cau-chuyen"),
                "san-pham-ocop": self.load_index(home, OCOPIndexPage, "san-pham-ocop"),
                "van-hoa": self.load_index(home, CultureIndexPage, "van-hoa"),
            }
            for item in content_data.STORIES:
                self.load_story(indexes["cau-chuyen"], item)
            for item in content_data.PRODUCTS:
                self.load_product(indexes["san-pham-ocop"], item)
            for item in content_data.CULTURE:
                self.load_culture(indexes["van-hoa"], item)
            run_app_demo_loaders(self)
        self.report()
        self.ensure_admin()

    # --- helpers ----------------------------------------------------------
    def count(self, what: str) -> None:
        """Record one created object of ``what`` for the report (app loaders use it too)."""
        self.created[what] = self.created.get(what, 0) + 1

    def report(self) -> None:
        if not self.created:
            self.stdout.write("Demo content already loaded; nothing changed.")
        for what, number in sorted(self.created.items()):
            self.stdout.write(f"Created {number} {what}")

    def ensure_admin(self) -> None:
        User = get_user_model()
        password = os.environ.get("DEMO_ADMIN_PASSWORD", DEFAULT_ADMIN_PASSWORD)
        if User.objects.filter(username=ADMIN_USERNAME).exists():
            self.stdout.write(f"Admin user '{ADMIN_USERNAME}' already exists (password unchanged).")
        else:
            User.objects.create_superuser(ADMIN_USERNAME, "admin@laocai.example", password)
            self.stdout.write("Created the admin user.")
        self.stdout.write(
            self.style.SUCCESS(f"Log in at /admin/ with username '{ADMIN_USERNAME}' and password '{password}'.")
        )

    # --- taxonomy -----------------------------------------------------------
    def translated_term(self, model: type, slug: str, values: dict[str, Any], names: dict[str, str]) -> Any:
        vi = self.locales["vi"]
        term = model.objects.filter(slug=slug, locale=vi).first()
        if term is None:
            term = model.objects.create(slug=slug, locale=vi, **values)
            self.count(model._meta.verbose_name_plural)
        for code, name in names.items():
            if code in self.locales and not term.has_translation(self.locales[code]):
                translated = term.copy_for_translation(self.locales[code])
                translated.name = name
                translated.save()
                self.count(f"{model._meta.verbose_name} translations")
        return term

    def load_taxonomy(self) -> None:
        self.groups = {
            slug: self.translated_term(EthnicGroup, slug, {"name": name, "autonym": autonym}, names)
            for slug, name, autonym, names in taxonomy_data.ETHNIC_GROUPS
        }
        self.places = {
            slug: self.translated_term(
                Place, slug, {"name": name, "kind": kind, "latitude": lat, "longitude": lon}, names
            )
            for slug, name, kind, lat, lon, names in taxonomy_data.PLACES
        }
        self.topics = {
            slug: self.translated_term(Topic, slug, {"name": name}, names)
            for slug, name, names in taxonomy_data.TOPICS
        }
        self.units = {}
        for slug, name, kind, place in taxonomy_data.UNITS:
            unit, created = ContributingUnit.objects.get_or_create(
                slug=slug, defaults={"name": name, "kind": kind, "place": self.places[place]}
            )
            if created:
                self.count("contributing units")
            self.units[slug] = unit

    # --- images -------------------------------------------------------------
    def load_images(self) -> None:
        self.images: list[LaoCaiImage] = []
        for number, spec in enumerate(IMAGE_SPECS):
            image = LaoCaiImage.objects.filter(title=spec.title).first()
            if image is None:
                data = draw_image(spec, seed=number)
                image = LaoCaiImage(
                    title=spec.title,
                    description=spec.alt,
                    caption=spec.title,
                    localized_text={"en": {"alt": spec.alt_en, "caption": spec.alt_en}},
                    credit=spec.credit,
                    licence=spec.licence,
                    place=self.places[spec.place],
                    sha256=hashlib.sha256(data).hexdigest(),
                    file=ImageFile(io.BytesIO(data), name=f"demo-{number:02d}.jpg"),
                )
                image.save()
                image.ethnic_groups.set([self.groups[slug] for slug in spec.groups])
                self.count("images")
            self.images.append(image)

    # --- pages --------------------------------------------------------------
    def publish(self, page: Page) -> None:
        page.save_revision().publish()

    def translation_of(self, page: Page, code: str) -> Page | None:
        return page.get_translation_or_none(self.locales[code])

    def load_home(self) -> HomePage:
        site = Site.objects.filter(is_default_site=True).first()
        home = HomePage.objects.filter(locale=self.locales["vi"]).first()
        if home is None:
            root = Page.get_first_root_node()
            title, hero_title, hero_text = HOME_TEXT["vi"]
            home = HomePage(
                title=title, slug="trang-chu", hero_title=hero_title, hero_text=hero_text,
                hero_image=self.images[0], pillars=self.pillar_blocks("vi"), locale=self.locales["vi"],
            )
            root.add_child(instance=home)
            self.publish(home)
            self.count("home pages")
            if site is None:
                site = Site(is_default_site=True)
            old_root = site.root_page if site.root_page_id else None
            site.root_page = home
            site.hostname, site.port, site.site_name = "127.0.0.1", 8000, "Câu chuyện Lào Cai"
            site.save()
            if old_root is not None and not isinstance(old_root.specific, HomePage):
                old_root.delete()
        for code in self.locales:
            if code != "vi" and self.translation_of(home, code) is None:
                translated = home.copy_for_translation(self.locales[code])
                title, hero_title, hero_text = HOME_TEXT.get(code, HOME_TEXT["vi"])
                translated.title, translated.hero_title, translated.hero_text = title, hero_title, hero_text
                translated.pillars = self.pillar_blocks(code)
                self.publish(translated)
                self.count("home page translations")
        return home

    def pillar_blocks(self, code: str) -> list[dict[str, Any]]:
        texts = PILLAR_TEXT.get(code, PILLAR_TEXT["vi"])
        pillars = [("sapa", 0), ("gateway", 6), ("culture", 13)]
        return [
            {"type": "pillar", "value": {"pillar": pillar, "text": text, "image": self.images[img].pk}}
            for (pillar, img), text in zip(pillars, texts, strict=True)
        ]

    def load_index(self, home: HomePage, model: type[Page], slug: str) -> Page:
        index = model.objects.child_of(home).filter(slug=slug).first()
        titles = INDEX_TITLES[slug]
        if index is None:
            title, intro = titles["vi"]
            index = model(title=title, slug=slug, intro=intro)
            home.add_child(instance=index)
            self.publish(index)
            self.count("index pages")
        for code, (title, intro) in titles.items():
            if code != "vi" and self.translation_of(index, code) is None:
                translated = index.copy_for_translation(self.locales[code])
                translated.title, translated.intro = title, intro
                self.publish(translated)
                self.count("index page translations")
        return index

    def translated_body(self, item: dict[str, Any], paragraphs: list[str], source_body: Any) -> list[dict[str, Any]]:
        """A translation's body with the block ids of its source's (as a copy for
        translation keeps them), so its segments line up with the source's."""
        blocks = self.body_blocks(item, paragraphs, with_facts=False)
        for block, source_block in zip(blocks, source_body, strict=False):
            if block["type"] == source_block.block_type:
                block["id"] = source_block.id
        return blocks

    def body_blocks(self, item: dict[str, Any], paragraphs: list[str], with_facts: bool) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = [{"type": "paragraph", "value": RichText(f"<p>{paragraphs[0]}</p>").source}]
        blocks.append({"type": "image", "value": {"image": self.images[item["image"]].pk, "caption": "", "credit": ""}})
        blocks += [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs[1:]]
        if item.get("gallery"):
            gallery = [item["image"], *item["gallery"]]
            blocks.append({"type": "gallery", "value": {"title": "", "images": [
                {"image": self.images[i].pk, "caption": "", "credit": ""} for i in gallery]}})
        if with_facts and item.get("fact_box"):
            title, facts = item["fact_box"]
            blocks.append({"type": "fact_box", "value": {"title": title, "facts": [
                {"label": label, "value": value} for label, value in facts]}})
        return blocks

    def apply_sensitivity(self, page: Any, item: dict[str, Any]) -> None:
        for flag in item.get("sensitive", []):
            setattr(page, f"sensitive_{flag}", True)

    def translate(self, page: Page, item: dict[str, Any], apply: Any) -> None:
        for code in self.locales:
            if code == "vi" or code not in item or self.translation_of(page, code) is not None:
                continue
            translated = page.copy_for_translation(self.locales[code])
            apply(translated, item[code], code)
            self.publish(translated)
            self.count(f"{page._meta.verbose_name} translations")

    def load_story(self, index: Page, item: dict[str, Any]) -> None:
        page = StoryPage.objects.child_of(index).filter(slug=item["slug"]).first()
        if page is None:
            title, lede, paragraphs = item["vi"]
            page = StoryPage(
                title=title, slug=item["slug"], lede=lede, pillar=item["pillar"],
                hero_image=self.images[item["image"]], contributing_unit=self.units[item["unit"]],
                body=self.body_blocks(item, paragraphs, with_facts=True),
            )
            self.apply_sensitivity(page, item)
            page.place_links = [StoryPlace(place=self.places[slug]) for slug in item["places"]]
            page.ethnic_group_links = [StoryEthnicGroup(ethnic_group=self.groups[slug]) for slug in item["groups"]]
            page.topic_links = [StoryTopic(topic=self.topics[slug]) for slug in item["topics"]]
            index.add_child(instance=page)
            self.publish(page)
            self.count("stories")

        def apply(translated: StoryPage, text: tuple, code: str) -> None:
            translated.title, translated.lede, paragraphs = text
            translated.body = self.translated_body(item, paragraphs, page.body)

        self.translate(page, item, apply)

    def load_product(self, index: Page, item: dict[str, Any]) -> None:
        page = OCOPProductPage.objects.child_of(index).filter(slug=item["slug"]).first()
        if page is None:
            title, lede, description = item["vi"]
            page = OCOPProductPage(
                title=title, slug=item["slug"], lede=lede, description=description,
                star_rating=item["stars"], product_group=item["group"], producer=item["producer"],
                commune=self.places[item["commune"]], certification_year=item["year"],
                decision_number=item["decision"], hero_image=self.images[item["image"]],
                contributing_unit=self.units[item["unit"]],
                where_to_buy=[
                    {"type": "seller", "value": {"name": name, "address": address, "phone": phone, "url": ""}}
                    for name, address, phone in item["sellers"]
                ],
            )
            page.gallery_images = [OCOPProductImage(image=self.images[i]) for i in item["gallery"]]
            index.add_child(instance=page)
            self.publish(page)
            self.count("OCOP products")

        def apply(translated: OCOPProductPage, text: tuple, code: str) -> None:
            translated.title, translated.lede, translated.description = text

        self.translate(page, item, apply)

    def load_culture(self, index: Page, item: dict[str, Any]) -> None:
        page = CultureEntryPage.objects.child_of(index).filter(slug=item["slug"]).first()
        if page is None:
            title, lede, paragraphs = item["vi"]
            page = CultureEntryPage(
                title=title, slug=item["slug"], lede=lede, category=item["category"],
                hero_image=self.images[item["image"]], contributing_unit=self.units[item["unit"]],
                body=self.body_blocks(item, paragraphs, with_facts=False),
            )
            self.apply_sensitivity(page, item)
            page.ethnic_group_links = [CultureEthnicGroup(ethnic_group=self.groups[s]) for s in item["groups"]]
            page.place_links = [CulturePlace(place=self.places[s]) for s in item["places"]]
            index.add_child(instance=page)
            self.publish(page)
            self.count("culture entries")

        def apply(translated: CultureEntryPage, text: tuple, code: str) -> None:
            translated.title, translated.lede, paragraphs = text
            translated.body = self.translated_body(item, paragraphs, page.body)

        self.translate(page, item, apply)
