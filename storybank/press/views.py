"""The journalists' side, inside the language prefix (``/<lang>/press-accounts/…``):
register, sign in and out, the press room (account status, what is coming
under embargo, one's access requests), asking for a restricted photo and
claiming an approval made by email."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from storybank.assets.models import LaoCaiImage
from storybank.core.visibility import PRESS_ONLY, is_press_account, may_download, withheld_reason

from . import decisions
from .confirmation import application_of_token
from .embargo import embargoed_items
from .forms import AccessRequestForm, RegistrationForm, SignInForm
from .grants import request_of_token
from .models import AccessRequest, Decision, PressApplication


def private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("press_accounts:room")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decisions.register(form.cleaned_data)
        messages.success(request, _("Thank you. An editor will review your application; you will be told by email. "
                                    "You can sign in now to follow it."))
        messages.info(request, _("We have sent you a link to confirm your email address. "
                                 "An editor can approve your account once it is confirmed."))
        return redirect("press_accounts:sign_in")
    status = 400 if request.method == "POST" else 200
    return private(render(request, "press/register.html", {"form": form}, status=status))


class SignInView(auth_views.LoginView):
    """Django's sign-in with the admin's throttling; journalists land in the press room.
    Signing in here opens no door to the admin: that needs its own permission."""

    template_name = "press/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("press_accounts:room")


class SignOutView(auth_views.LogoutView):
    def get_default_redirect_url(self) -> str:
        return reverse("press_accounts:sign_in")


#: How long the press room waits before sending another confirmation link to the same account.
RESEND_AFTER_SECONDS = 120


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation email: a page with one button, so that a
    mail scanner opening links confirms nothing. Confirming again is harmless."""
    application = application_of_token(token)
    if application is None:
        return private(render(request, "press/confirm_failed.html", status=400))
    if request.method != "POST":
        return private(render(request, "press/confirm_email.html", {"application": application}))
    decisions.confirm_email(application)
    messages.success(request, _("Thank you: your email address is confirmed."))
    return redirect("press_accounts:room" if request.user == application.user else "press_accounts:sign_in")


@require_POST
@login_required(login_url=reverse_lazy("press_accounts:sign_in"))
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    """A new confirmation link, from the press room; at most one every few minutes."""
    application = PressApplication.objects.filter(user=request.user, email_confirmed_at__isnull=True,
                                                  status=Decision.PENDING).first()
    if application is None:
        return redirect("press_accounts:room")
    if cache.add(resend_key(request.user.pk), True, RESEND_AFTER_SECONDS):
        decisions.send_confirmation(application)
        messages.success(request, _("A new link is on its way to %(address)s.") % {"address": request.user.email})
    else:
        messages.info(request, _("A link was sent a moment ago. Check your inbox and spam folder before asking again."))
    return redirect("press_accounts:room")


def resend_key(user_id: int) -> str:
    """The cache key that remembers a link was just sent to this account."""
    return f"press-accounts:confirmation-sent:{user_id}"


@login_required(login_url=reverse_lazy("press_accounts:sign_in"))
def room(request: HttpRequest) -> HttpResponse:
    """The press room: the account's state, the embargo list for the press, one's access requests."""
    application = PressApplication.objects.filter(user=request.user).first()
    press = is_press_account(request.user)
    return private(render(request, "press/room.html", {
        "application": application, "press": press,
        "embargoed": embargoed_items() if press else [],
        "requests": AccessRequest.objects.filter(requester=request.user).select_related("image"),
    }))


@require_POST
def request_access(request: HttpRequest, image_id: int) -> HttpResponse:
    """A request to use a restricted photo, from its photo page (which renders the form)."""
    image = LaoCaiImage.objects.filter(pk=image_id).first()
    if image is None or withheld_reason(image) != PRESS_ONLY:
        raise Http404
    if may_download(request.user, image):
        return redirect("public:photo", image_id=image.pk)
    form = AccessRequestForm(request.POST, user=request.user)
    if form.is_valid():
        decisions.request_access(image, request.user, form.cleaned_data)
        return private(render(request, "press/request_sent.html", {"image": image}))
    return private(render(request, "press/request_form_page.html", {"image": image, "form": form}, status=400))


@login_required(login_url=reverse_lazy("press_accounts:sign_in"))
def claim(request: HttpRequest, token: str) -> HttpResponse:
    """The private link of an approval sent to an anonymous requester: the grant goes to this account."""
    access_request = request_of_token(token)
    if access_request is None:
        raise Http404
    if request.method == "POST":
        decisions.claim(access_request, request.user)
        messages.success(request, _("The photo is now available to your account until %(day)s.")
                         % {"day": access_request.expires_on})
        return redirect("public:photo", image_id=access_request.image_id)
    return private(render(request, "press/claim.html", {"access_request": access_request}))
