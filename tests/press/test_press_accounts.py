"""Press accounts over HTTP (Django's test client, the demo content): a
journalist registers, an editor approves from the admin, the account gets
press-only photos and its downloads land in the audit and the KPIs; anyone
asks for a restricted photo and an approved request opens it until it expires;
every editor's answer lands in the audit with what it replaced;
embargoed items show their time to the press alone."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, Page

from storybank.analytics.models import DailyCount, Metric
from storybank.assets.models import LaoCaiImage
from storybank.core.visibility import PRESS_GROUP_NAME, is_press_account, may_download
from storybank.governance.rights import editors_to_notify
from storybank.press.audit import (
    APPROVE_ACTION,
    PRESS_DOWNLOAD_ACTION,
    REJECT_ACTION,
    REOPEN_ACTION,
    WITHDRAW_ACTION,
)
from storybank.press.models import AccessRequest, Decision, PressApplication
from storybank.press.views import resend_key
from storybank.stories.models import StoryPage

pytestmark = pytest.mark.django_db

PRESS_ONLY_TITLE = "Băng tuyết Sa Pa"
PASSWORD = "Ruộng-bậc-thang-2026"
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36",
           "HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def press_only(demo):
    return LaoCaiImage.objects.get(title=PRESS_ONLY_TITLE)


@pytest.fixture
def editor(admin_user):
    admin_user.email = "editor@laocai.example"
    admin_user.save()
    return admin_user


def editor_addresses() -> set[str]:
    return {user.email for user in editors_to_notify()}


def logged_answers(item: Any) -> list[tuple[str, Any, dict[str, Any]]]:
    """The item's own history: its entries in Wagtail's audit log, oldest first."""
    entries = ModelLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(item),
                                           object_id=str(item.pk)).order_by("pk")
    return [(entry.action, entry.user, entry.data) for entry in entries]


def site_history(admin_client) -> str:
    return admin_client.get(reverse("wagtailadmin_reports:site_history")).content.decode()


def registration(email: str = "lan@baolaocai.example", **changes: str) -> dict[str, str]:
    return {"name": "Nguyễn Thị Lan", "email": email, "outlet": "Báo Lào Cai", "role": "Phóng viên ảnh",
            "phone": "", "password": PASSWORD, "statement": "Bài về mùa lúa chín ở Y Tý.", **changes}


def register(client, django_capture_on_commit_callbacks, **changes: str):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("press_accounts:register"), registration(**changes))


@pytest.mark.parametrize("language", ["vi", "en", "hmn"])
def test_the_registration_page_is_in_every_language_and_needs_no_script(client, demo, language):
    response = client.get(f"/{language}/press-accounts/register/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html and '<form method="post"' in html and 'name="outlet"' in html
    if language == "vi":
        assert "Đăng ký tài khoản báo chí" in html


def test_bad_registrations_say_what_is_wrong_and_create_nothing(client, demo, editor):
    users = get_user_model().objects.count()
    for bad in [registration(email="not-an-address"), registration(outlet=""), registration(password="123"),
                registration(email=editor.email.upper())]:
        response = client.post("/en/press-accounts/register/", bad)
        assert response.status_code == 400
        assert 'class="form-error"' in response.content.decode() and 'aria-invalid="true"' in response.content.decode()
    assert get_user_model().objects.count() == users and not PressApplication.objects.exists()


def test_register_sign_in_approve_and_the_account_gets_press_only_photos(
        client, admin_client, demo, editor, press_only, django_capture_on_commit_callbacks):
    response = register(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"].endswith("/press-accounts/sign-in/")
    application = PressApplication.objects.get(user__email="lan@baolaocai.example")
    journalist = application.user
    assert application.is_pending and application.outlet == "Báo Lào Cai" and not is_press_account(journalist)
    assert journalist.check_password(PASSWORD) and journalist.first_name == "Nguyễn Thị Lan"
    to_editors = [message for message in mail.outbox if message.to != [journalist.email]]
    assert {address for message in to_editors for address in message.to} == editor_addresses()
    assert reverse("press_accounts_applications") in to_editors[0].body
    # The applicant is asked to confirm their address, in the language they registered in.
    (confirmation,) = [message for message in mail.outbox if message.to == [journalist.email]]
    assert confirmation.subject == {"vi": "Xác nhận địa chỉ email của bạn", "en": "Confirm your email address"}[
        application.language]
    confirm_path = re.search(r"https?://[^/\s]+(/[\w-]+/press-accounts/confirm/\S+/)", confirmation.body).group(1)

    # Signed in on the public site with the email registered, not yet approved: no press photo, never the admin.
    sign_in_page = client.get("/en/press-accounts/sign-in/").content.decode()
    assert '<label for="id_username">Email:</label>' in sign_in_page and 'autocomplete="email"' in sign_in_page
    signed_in = client.post("/en/press-accounts/sign-in/", {"username": journalist.email, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"].endswith("/en/press-accounts/")
    room = client.get("/en/press-accounts/").content.decode()
    assert "waiting for an editor" in room and "is not confirmed yet" in room
    assert client.get(f"/en/photos/{press_only.pk}/").status_code == 403
    assert client.get("/admin/")["Location"].startswith("/admin/login/")

    # The editor's queue: a reject needs a reason; approving adds the account to the Press group.
    queue = admin_client.get(reverse("press_accounts_applications"))
    assert queue.status_code == 200 and "Báo Lào Cai" in queue.content.decode()
    prefix = str(application.pk)
    refused = admin_client.post(reverse("press_accounts_applications"),
                                {"item": prefix, f"{prefix}-decision": "reject", f"{prefix}-answer": ""})
    assert refused.status_code == 400 and "Hãy nêu lý do" in refused.content.decode()  # the admin speaks Vietnamese
    assert admin_client.post(reverse("press_accounts_applications"), {"item": "nonsense"}).status_code == 404
    # Not approved before the address is confirmed; a broken link confirms nothing; the email's link does.
    early = admin_client.post(reverse("press_accounts_applications"),
                              {"item": prefix, f"{prefix}-decision": "approve", f"{prefix}-answer": ""})
    assert early.status_code == 400 and "chưa xác nhận địa chỉ email" in early.content.decode()
    assert not is_press_account(journalist)
    assert client.get(confirm_path[:-6] + "xx/").status_code == 400
    journalist.email = "someone.else@example.com"  # the link is bound to the address it was sent to
    journalist.save(update_fields=["email"])
    assert client.post(confirm_path).status_code == 400
    journalist.email = "lan@baolaocai.example"
    journalist.save(update_fields=["email"])
    opened = client.get(confirm_path)  # what a mail scanner does: it confirms nothing
    assert opened.status_code == 200 and "lan@baolaocai.example" in opened.content.decode()
    application.refresh_from_db()
    assert application.email_confirmed_at is None
    assert "lan%40baolaocai" not in confirm_path and "baolaocai" not in confirm_path  # no address in the link
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 302 and confirmed["Location"].endswith("/press-accounts/")
    application.refresh_from_db()
    assert application.email_confirmed_at is not None
    assert "is not confirmed yet" not in client.get("/en/press-accounts/").content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approved = admin_client.post(reverse("press_accounts_applications"),
                                     {"item": prefix, f"{prefix}-decision": "approve", f"{prefix}-answer": ""})
    assert approved.status_code == 302
    application.refresh_from_db()
    assert application.status == Decision.APPROVED and application.decided_by == editor
    assert is_press_account(journalist) and journalist.groups.filter(name=PRESS_GROUP_NAME).exists()
    assert mail.outbox[0].to == [journalist.email] and "approved" in mail.outbox[0].body
    approval = {"status": "approved", "answer": "", "decided_by": editor.get_username(), "expires_on": ""}
    assert logged_answers(application) == [(APPROVE_ACTION, editor, approval)]

    # Approved: the photo page and its files, and the download is audited and counted.
    assert client.get(f"/en/photos/{press_only.pk}/").status_code == 200
    before = sum(DailyCount.objects.filter(metric=Metric.PRESS_DOWNLOAD).values_list("count", flat=True))
    download = client.get(reverse("press:rendition", args=[press_only.pk, "web"]), **BROWSER)
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    entry = ModelLogEntry.objects.filter(action=PRESS_DOWNLOAD_ACTION, object_id=str(press_only.pk)).latest("pk")
    assert entry.user == journalist and entry.data["type"] == "rendition"
    after = sum(DailyCount.objects.filter(metric=Metric.PRESS_DOWNLOAD).values_list("count", flat=True))
    assert after == before + 1
    assert "Coming under embargo" in client.get("/en/press-accounts/").content.decode()
    # The admin still refuses a press account: approval opens the press photos, not the editorial office.
    assert client.get("/admin/").status_code == 302

    # Withdrawn later, with a reason the journalist reads: the press photos close again.
    unexplained = admin_client.post(reverse("press_accounts_applications"),
                                    {"withdraw": prefix, f"w{prefix}-reason": " "})
    assert unexplained.status_code == 400 and is_press_account(journalist)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = admin_client.post(reverse("press_accounts_applications"),
                                      {"withdraw": prefix, f"w{prefix}-reason": "Thẻ nhà báo đã hết hạn."})
    assert withdrawn.status_code == 302 and not is_press_account(journalist)
    application.refresh_from_db()
    assert application.status == Decision.WITHDRAWN and application.answer == "Thẻ nhà báo đã hết hạn."
    assert mail.outbox[0].to == [journalist.email] and "Thẻ nhà báo đã hết hạn." in mail.outbox[0].body
    assert client.get(f"/en/photos/{press_only.pk}/").status_code == 403
    assert "was withdrawn" in client.get("/en/press-accounts/").content.decode()
    assert admin_client.post(reverse("press_accounts_applications"),
                             {"withdraw": prefix, f"w{prefix}-reason": "again"}).status_code == 404
    withdrawal = {**approval, "status": "withdrawn", "answer": "Thẻ nhà báo đã hết hạn."}
    assert logged_answers(application)[1:] == [(WITHDRAW_ACTION, editor, {**withdrawal, "previous": approval})]

    # A renewed press card: the editor puts the application back in the queue and approves it again.
    queue = admin_client.get(reverse("press_accounts_applications")).content.decode()
    assert f'name="reopen" value="{prefix}"' in queue
    mail.outbox.clear()
    reopened = admin_client.post(reverse("press_accounts_applications"), {"reopen": prefix})
    application.refresh_from_db()
    assert reopened.status_code == 302 and application.status == Decision.PENDING and not mail.outbox
    assert admin_client.post(reverse("press_accounts_applications"), {"reopen": prefix}).status_code == 404
    # The application's fields no longer hold the withdrawal; its history does, and says who put it back.
    assert application.answer == "" and logged_answers(application)[2:] == [(REOPEN_ACTION, editor, {
        "status": "pending", "answer": "", "decided_by": "", "expires_on": "", "previous": withdrawal})]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("press_accounts_applications"),
                          {"item": prefix, f"{prefix}-decision": "approve", f"{prefix}-answer": ""})
    assert is_press_account(journalist) and "approved" in mail.outbox[0].body
    assert [action for action, _user, _data in logged_answers(application)] == [
        APPROVE_ACTION, WITHDRAW_ACTION, REOPEN_ACTION, APPROVE_ACTION]
    # Reports › Site history tells it in the administrator's language (Vietnamese here).
    history = site_history(admin_client)
    assert "Nguyễn Thị Lan (Báo Lào Cai)" in history
    assert "Đã rút lại phê chuẩn. Đã trả lời người gửi: “Thẻ nhà báo đã hết hạn.” " \
           "Câu trả lời trước: Đã duyệt, do admin đưa ra." in history
    assert "Đã đưa lại vào hàng chờ. Câu trả lời trước: Đã rút lại phê chuẩn, do admin đưa ra. " \
           "Nội dung: “Thẻ nhà báo đã hết hạn.”" in history


def test_a_new_confirmation_link_from_the_press_room_at_most_every_few_minutes(
        client, demo, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks, email="minh@vtv.example")
    journalist = get_user_model().objects.get(email="minh@vtv.example")
    client.force_login(journalist)
    cache.delete(resend_key(journalist.pk))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/en/press-accounts/confirm-again/", follow=True)
        second = client.post("/en/press-accounts/confirm-again/", follow=True)
    assert [message.to for message in mail.outbox] == [["minh@vtv.example"]]
    assert "minh@vtv.example" in first.content.decode()
    assert second.status_code == 200 and "A link was sent a moment ago." in second.content.decode()
    assert "/press-accounts/confirm/" in mail.outbox[0].body
    assert client.get(reverse("press_accounts:resend_confirmation")).status_code == 405


def test_a_public_download_by_a_press_account_is_audited_but_not_by_others(client, demo, press_only):
    image = LaoCaiImage.objects.get(title="Ruộng bậc thang Y Tý mùa nước đổ")
    client.get(reverse("press:rendition", args=[image.pk, "web"]), **BROWSER)
    assert not ModelLogEntry.objects.filter(action=PRESS_DOWNLOAD_ACTION).exists()  # anonymous: counted, not named


def test_an_anonymous_request_is_answered_claimed_and_expires(
        client, admin_client, admin_user, demo, press_only, django_capture_on_commit_callbacks):
    address = f"/en/photos/{press_only.pk}/request-access/"  # in English whatever language a test before left active
    assert client.get(address).status_code == 405
    missing = client.post(address, {"name": "Trần Văn Minh", "email": "", "reason": ""})
    assert missing.status_code == 400 and 'aria-invalid="true"' in missing.content.decode()
    public = LaoCaiImage.objects.get(title="Ruộng bậc thang Y Tý mùa nước đổ")
    assert client.post(f"/en/photos/{public.pk}/request-access/", {}).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(address, {"name": "Trần Văn Minh", "email": "Minh@Example.org",
                                     "reason": "Bài viết về Sa Pa mùa đông"})
    assert sent.status_code == 200 and "has been sent" in sent.content.decode()
    access_request = AccessRequest.objects.get(email="minh@example.org")
    assert access_request.requester is None and access_request.is_pending
    assert {address for message in mail.outbox for address in message.to} == editor_addresses()

    queue = reverse("press_accounts_access_requests")
    assert "Bài viết về Sa Pa mùa đông" in admin_client.get(queue).content.decode()
    prefix = str(access_request.pk)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    past = admin_client.post(queue, {"item": prefix, f"{prefix}-decision": "approve",
                                     f"{prefix}-expires_on": yesterday.isoformat()})
    assert past.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(queue, {"item": prefix, f"{prefix}-decision": "approve", f"{prefix}-expires_on": ""})
    access_request.refresh_from_db()
    expires_on = timezone.localdate() + datetime.timedelta(days=30)
    assert access_request.expires_on == expires_on
    approval = {"status": "approved", "answer": "", "decided_by": "admin", "expires_on": expires_on.isoformat()}
    assert logged_answers(access_request) == [(APPROVE_ACTION, admin_user, approval)]
    body = mail.outbox[-1].body
    assert mail.outbox[-1].to == ["minh@example.org"] and "/press-accounts/claim/" in body
    claim = body[body.index("/press-accounts/claim/") - 3:].split()[0].rstrip(".")
    claim = claim[claim.index("/"):]

    # The private link attaches the grant to the account that opens it; then the photo is theirs.
    minh = get_user_model().objects.create_user("minh", "minh@example.org", PASSWORD)
    assert not may_download(minh, press_only)
    client.force_login(minh)
    assert client.get(claim).status_code == 200
    assert client.post(claim).status_code == 302
    assert may_download(minh, press_only)
    assert client.get(f"/en/photos/{press_only.pk}/").status_code == 200
    assert client.get(reverse("press:rendition", args=[press_only.pk, "web"])).status_code == 200
    assert client.get(claim).status_code == 404  # used once
    assert client.get("/en/press-accounts/claim/forged-token/").status_code == 404

    # A grant withdrawn before it expires closes the photo at once, and the person is told why.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = admin_client.post(reverse("press_accounts_access_requests"),
                                      {"withdraw": access_request.pk, f"w{access_request.pk}-reason": "Ảnh bị rút."})
    assert withdrawn.status_code == 302 and not may_download(minh, press_only)
    assert mail.outbox[-1].to == ["minh@example.org"] and "Ảnh bị rút." in mail.outbox[-1].body
    # Put back in the queue (a new photo restored the right): pending again, no earlier answer left to read,
    # nobody emailed; a second request of the same person for the same photo keeps it from being put back twice.
    mail.outbox.clear()
    assert admin_client.post(queue, {"reopen": prefix}).status_code == 302
    access_request.refresh_from_db()
    assert access_request.is_pending and (access_request.answer, access_request.decided_by) == ("", None)
    assert access_request.expires_on is None and not mail.outbox and not may_download(minh, press_only)
    assert "Ảnh bị rút." not in client.get("/en/press-accounts/").content.decode()
    withdrawal = {**approval, "status": "withdrawn", "answer": "Ảnh bị rút."}
    assert logged_answers(access_request)[1:] == [
        (WITHDRAW_ACTION, admin_user, {**withdrawal, "previous": approval}),
        (REOPEN_ACTION, admin_user, {"status": "pending", "answer": "", "decided_by": "", "expires_on": "",
                                     "previous": withdrawal}),
    ]
    admin_client.post(queue, {"item": prefix, f"{prefix}-decision": "reject", f"{prefix}-answer": "Chưa được."})
    waiting = AccessRequest.objects.create(image=press_only, requester=minh, name="Minh", email="minh@example.org",
                                           reason="Lần nữa", language="vi")
    refused = admin_client.post(queue, {"reopen": prefix}, follow=True)
    assert "cùng yêu cầu này đang chờ" in refused.content.decode()
    access_request.refresh_from_db()
    assert access_request.status == Decision.REJECTED
    assert logged_answers(access_request)[3:] == [(REJECT_ACTION, admin_user, {  # the refused reopen left none
        "status": "rejected", "answer": "Chưa được.", "decided_by": "admin", "expires_on": ""})]
    history = site_history(admin_client)
    assert f"Đã phê chuẩn đến hết ngày {expires_on.isoformat()}." in history
    assert "Đã từ chối. Đã trả lời người gửi: “Chưa được.”" in history
    waiting.delete()
    AccessRequest.objects.filter(pk=access_request.pk).update(status=Decision.APPROVED)

    # Expired grants give nothing.
    AccessRequest.objects.filter(pk=access_request.pk).update(expires_on=yesterday)
    assert not may_download(minh, press_only)
    assert client.get(f"/en/photos/{press_only.pk}/").status_code == 403
    assert client.get(reverse("press:rendition", args=[press_only.pk, "web"])).status_code == 404


def test_a_rejected_request_says_why_and_grants_nothing(
        client, admin_client, demo, press_only, django_capture_on_commit_callbacks):
    asker = get_user_model().objects.create_user("hoa", "hoa@example.org", PASSWORD, first_name="Hoa")
    client.force_login(asker)
    page = client.get(f"/vi/photos/{press_only.pk}/")
    assert page.status_code == 403 and 'name="email"' not in page.content.decode()  # the account gives its own
    for _twice in range(2):
        client.post(reverse("press_accounts:request_access", args=[press_only.pk]), {"reason": "Triển lãm ảnh"})
    access_request = AccessRequest.objects.get(requester=asker)  # asking again while one waits adds nothing
    prefix = str(access_request.pk)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("press_accounts_access_requests"), {
            "item": prefix, f"{prefix}-decision": "reject", f"{prefix}-answer": "Ảnh chỉ dành cho báo chí"})
    access_request.refresh_from_db()
    assert access_request.status == Decision.REJECTED and access_request.expires_on is None
    assert "Ảnh chỉ dành cho báo chí" in mail.outbox[-1].body
    assert not may_download(asker, press_only)
    assert "Ảnh chỉ dành cho báo chí" in client.get("/vi/press-accounts/").content.decode()


def test_embargoed_items_show_their_time_to_the_press_and_stay_hidden_from_everyone_else(client, demo):
    story = StoryPage.objects.live().filter(locale__language_code="vi").order_by("pk").first()
    embargoed = story.copy(update_attrs={"slug": "tin-cam-dang", "title": "Tin cấm đăng trước giờ G", "live": False},
                           keep_live=False)
    go_live_at = timezone.now() + datetime.timedelta(days=2)
    embargoed.go_live_at = go_live_at
    embargoed.save_revision().publish()
    embargoed.refresh_from_db()
    assert not embargoed.live  # scheduled: Wagtail publishes it at go_live_at
    address = Page.objects.get(pk=embargoed.pk).get_url()
    assert client.get(address).status_code == 404

    reader = get_user_model().objects.create_user("reader", "reader@example.org", PASSWORD)
    client.force_login(reader)
    assert client.get(address).status_code == 404
    assert "Tin cấm đăng" not in client.get("/en/press-accounts/").content.decode()

    reader.groups.add(Group.objects.get(name=PRESS_GROUP_NAME))
    room = client.get("/en/press-accounts/").content.decode()
    assert "Tin cấm đăng trước giờ G" in room
    assert f'datetime="{timezone.localtime(go_live_at).strftime("%Y-%m-%dT%H:%M:%S")}' in room
    assert client.get(address).status_code == 404  # the page itself waits for its time, for the press too
