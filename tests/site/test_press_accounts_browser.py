"""Press accounts in a real browser (headless Chromium): an anonymous visitor
is refused a press-only photo and its files; a journalist registers and
confirms her address, an editor approves the account in the admin, and the
journalist downloads it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from storybank.assets.models import LaoCaiImage
from storybank.press.models import PressApplication

from . import test_browser
from .browser import assert_accessible, keep_local

site = test_browser.site  # the live demo site (browser comes from tests/site/conftest.py)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Ruộng-bậc-thang-2026"


def test_press_only_photo_refused_to_the_public_then_registered_approved_and_downloaded(site, browser):
    image = LaoCaiImage.objects.get(title="Băng tuyết Sa Pa")
    anonymous = browser.new_page(locale="vi-VN")
    keep_local(anonymous)
    refused = anonymous.goto(f"{site}/vi/photos/{image.pk}/")
    assert refused.status == 403
    assert anonymous.get_by_role("heading", name="Đề nghị sử dụng").is_visible()
    assert anonymous.locator("img.photo-picture").count() == 0
    assert_accessible(anonymous, "restricted photo page (vi)")
    assert anonymous.goto(f"{site}/press/images/{image.pk}/web/").status == 404
    assert anonymous.goto(f"{site}/press/images/{image.pk}/original/").status == 404

    # The journalist registers (no JavaScript needed: a plain form).
    anonymous.goto(f"{site}/vi/photos/{image.pk}/")
    anonymous.get_by_role("link", name="đăng ký tài khoản báo chí").click()
    assert_accessible(anonymous, "press account registration (vi)")
    anonymous.get_by_label("Họ và tên").fill("Lò Thị Mai")
    anonymous.get_by_label("Email").fill("mai@baolaocai.example")
    anonymous.get_by_label("Cơ quan báo chí").fill("Báo Lào Cai")
    anonymous.get_by_label("Vai trò").fill("Phóng viên")
    anonymous.get_by_label("Mật khẩu").fill(PASSWORD)
    anonymous.get_by_label("Bạn sẽ dùng kho dữ liệu vào việc gì").fill("Phóng sự ảnh mùa đông Sa Pa.")
    anonymous.get_by_role("button", name="Gửi đơn đăng ký").click()
    anonymous.wait_for_url("**/vi/press-accounts/sign-in/")
    application = PressApplication.objects.get(user__email="mai@baolaocai.example")

    # She confirms her address from the link emailed to her: a page with one button.
    (confirmation,) = [message for message in mail.outbox if message.to == ["mai@baolaocai.example"]]
    link = re.search(r"https?://\S+/vi/press-accounts/confirm/\S+/", confirmation.body).group()
    anonymous.goto(f"{site}{urlsplit(link).path}")
    assert_accessible(anonymous, "email confirmation (vi)")
    anonymous.get_by_role("button", name="Xác nhận địa chỉ email của tôi").click()
    anonymous.wait_for_url("**/vi/press-accounts/sign-in/")
    application.refresh_from_db()
    assert application.email_confirmed_at is not None

    # An editor approves it in the admin.
    get_user_model().objects.create_superuser("bientap-press", "bt@laocai.example", PASSWORD)
    editor = browser.new_page(locale="vi-VN")
    keep_local(editor)
    editor.goto(f"{site}/admin/login/")
    editor.fill('input[name="username"]', "bientap-press")
    editor.fill('input[name="password"]', PASSWORD)
    editor.locator('button[type="submit"]').first.click()
    editor.wait_for_url(f"{site}/admin/")
    editor.goto(f"{site}/admin/press-accounts/applications/")
    form = editor.locator(f"#item-{application.pk} form")
    form.locator(f'select[name="{application.pk}-decision"]').select_option("approve")
    form.locator('button[type="submit"]').click()
    editor.wait_for_load_state()
    assert application.user.groups.filter(name="Press").exists()

    # Signed in, the journalist sees the page and downloads the picture.
    anonymous.fill('input[name="username"]', "mai@baolaocai.example")
    anonymous.fill('input[name="password"]', PASSWORD)
    anonymous.get_by_role("button", name="Đăng nhập").click()
    anonymous.wait_for_url("**/vi/press-accounts/")
    assert_accessible(anonymous, "press room (vi)")
    assert anonymous.goto(f"{site}/vi/photos/{image.pk}/").status == 200
    assert anonymous.locator("h1").inner_text() == image.title
    with anonymous.expect_download() as download_info:
        anonymous.locator('tr[data-preset="web"] a', has_text="JPEG").click()
    assert download_info.value.suggested_filename.endswith("-web.jpg")
    rendition = anonymous.context.request.get(f"{site}/press/images/{image.pk}/web/")  # the session's cookies
    assert rendition.status == 200 and rendition.headers["content-type"] == "image/jpeg"
