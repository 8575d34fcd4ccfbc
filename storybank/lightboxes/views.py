"""Lightbox pages: a press account's lightboxes, one lightbox, its private link and its ZIP.

Everything an owner changes is a POST with CSRF, answered by a redirect
(works without JavaScript). Another person's lightbox answers 404, as an
unknown one does. Nothing here is cached: responses are ``private, no-store``.
"""

from __future__ import annotations

from datetime import datetime
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from wagtail.models import Page

from storybank.analytics.models import DownloadType, Metric
from storybank.analytics.recording import Hit, asset_hit, label, page_hit
from storybank.assets.models import LaoCaiImage, MediaAsset
from storybank.core.visibility import is_press_account
from storybank.governance.audit import log_export
from storybank.public.views import view_meta

from .archive import NotReady, build_lightbox_zip
from .entries import Entry, entries, may_gather
from .forms import NEW_LIGHTBOX, AddItemForm, DownloadForm, LightboxNameForm, NoteForm
from .models import Lightbox, LightboxItem

#: What a download of a lightbox still being prepared tells the client to wait.
RETRY_AFTER_SECONDS = 30
TARGET_MODELS = {"image": LaoCaiImage, "media": MediaAsset, "page": Page}
#: Session key of the item just removed: offered back ("Undo") once, on its lightbox's next page, and
#: put back from what the session holds (the form sends nothing but its CSRF token).
REMOVED_ITEM = "lightboxes:removed"


def press_account_required(view: Any) -> Any:
    """Signed-out people are sent to sign in; signed-in people without a press account are told why not."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return sign_in(request)
        if not is_press_account(request.user):
            return message(request, _("Lightboxes are for approved press accounts."), status=403)
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def sign_in(request: HttpRequest) -> HttpResponse:
    """Off to the journalists' sign-in page (``LOGIN_URL``), back here afterwards."""
    return redirect_to_login(request.get_full_path())


def message(request: HttpRequest, text: str, *, status: int, back: str = "") -> HttpResponse:
    """A page that says what went wrong (bad input, nothing to download), with its status."""
    response = render(request, "lightboxes/message.html", {
        "meta": view_meta(request, _("Lightboxes"), "", noindex=True), "text": text, "back": back,
    }, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def own_lightbox(request: HttpRequest, lightbox_id: int) -> Lightbox:
    """The signed-in owner's lightbox; 404 for anyone else's, as for one that does not exist."""
    return get_object_or_404(Lightbox, pk=lightbox_id, owner=request.user)


def shared_lightbox(token: str) -> Lightbox:
    lightbox = Lightbox.objects.filter(share_token=token).first() if token else None
    if lightbox is None:
        raise Http404
    return lightbox


def removed_from(request: HttpRequest, lightbox: Lightbox) -> dict[str, Any] | None:
    """The item just removed from ``lightbox`` as the session remembers it (None: nothing, or another's)."""
    removed = request.session.get(REMOVED_ITEM)
    return removed if removed and removed["lightbox"] == lightbox.pk else None


def safe_next(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return fallback


# --- the owner's pages -----------------------------------------------------------------------
@press_account_required
def lightbox_list(request: HttpRequest) -> HttpResponse:
    """``/<lang>/lightboxes/``: my lightboxes, and a form for a new one (POST creates it)."""
    form = LightboxNameForm(request.POST or None, owner=request.user)
    if request.method == "POST":
        if form.is_valid():
            lightbox = Lightbox.objects.create(owner=request.user, name=form.cleaned_data["name"])
            messages.success(request, _("Lightbox “%(name)s” created.") % {"name": lightbox.name})
            return redirect("lightboxes:detail", lightbox.pk)
    elif request.method not in ("GET", "HEAD"):
        return message(request, _("This address only answers GET and POST."), status=405)
    lightboxes = request.user.lightboxes.annotate(item_count=Count("items"))
    return render(request, "lightboxes/lightbox_list.html", {
        "meta": view_meta(request, _("My lightboxes"), "", noindex=True), "lightboxes": lightboxes, "form": form,
    }, status=400 if form.errors else 200)


@press_account_required
@require_safe
def lightbox_detail(request: HttpRequest, lightbox_id: int) -> HttpResponse:
    """``/<lang>/lightboxes/<id>/``: the owner's view, with renaming, sharing, notes and the download."""
    lightbox = own_lightbox(request, lightbox_id)
    undo = removed_from(request, lightbox)
    if undo is not None and not undo["offered"]:
        request.session[REMOVED_ITEM] = {**undo, "offered": True}
    else:
        undo = None
    return render_lightbox(request, lightbox, owner=True, undo=undo)


def render_lightbox(request: HttpRequest, lightbox: Lightbox, *, owner: bool, status: int = 200,
                    rename_form: LightboxNameForm | None = None, delete_error: str = "",
                    undo: dict[str, Any] | None = None) -> HttpResponse:
    shown = entries(lightbox, request.user)
    share_url = ""
    if owner and lightbox.share_token:
        share_url = request.build_absolute_uri(reverse("lightboxes:shared", args=[lightbox.share_token]))
    download_url = (reverse("lightboxes:download", args=[lightbox.pk]) if owner
                    else reverse("lightboxes:shared_download", args=[lightbox.share_token]))
    response = render(request, "lightboxes/lightbox_detail.html", {
        "meta": view_meta(request, lightbox.name, "", noindex=True), "lightbox": lightbox, "entries": shown,
        "owner": owner, "share_url": share_url, "download_url": download_url, "download_form": DownloadForm(),
        "rename_form": rename_form or LightboxNameForm(initial={"name": lightbox.name}, owner=request.user),
        "has_files": any(entry.available for entry in shown), "delete_error": delete_error, "undo": undo,
    }, status=status)
    return response


@press_account_required
@require_POST
def rename(request: HttpRequest, lightbox_id: int) -> HttpResponse:
    lightbox = own_lightbox(request, lightbox_id)
    form = LightboxNameForm(request.POST, owner=request.user, lightbox=lightbox)
    if not form.is_valid():
        return render_lightbox(request, lightbox, owner=True, status=400, rename_form=form)
    lightbox.name = form.cleaned_data["name"]
    lightbox.save(update_fields=["name", "updated_at"])
    messages.success(request, _("Lightbox renamed."))
    return redirect("lightboxes:detail", lightbox.pk)


@press_account_required
@require_POST
def delete(request: HttpRequest, lightbox_id: int) -> HttpResponse:
    lightbox = own_lightbox(request, lightbox_id)
    if request.POST.get("confirm") != "yes":  # the box to tick is the confirmation (no script needed)
        return render_lightbox(request, lightbox, owner=True, status=400,
                               delete_error=_("Tick the box to confirm that this lightbox should be deleted."))
    name = lightbox.name
    lightbox.delete()
    messages.success(request, _("Lightbox “%(name)s” deleted.") % {"name": name})
    return redirect("lightboxes:list")


@press_account_required
@require_POST
def share(request: HttpRequest, lightbox_id: int) -> HttpResponse:
    """POST ``action=share`` makes a new private link (the old one stops working); ``action=revoke`` ends it."""
    lightbox = own_lightbox(request, lightbox_id)
    if request.POST.get("action") == "revoke":
        lightbox.revoke_share()
        messages.success(request, _("The private link no longer works."))
    else:
        lightbox.share()
        messages.success(request, _("Anyone with the private link can now see this lightbox."))
    return redirect("lightboxes:detail", lightbox.pk)


@press_account_required
@require_POST
def add_item(request: HttpRequest) -> HttpResponse:
    """POST ``/<lang>/lightboxes/add/``: a photo, media asset or story into a lightbox (or a new one)."""
    form = AddItemForm(request.POST, owner=request.user)
    if not form.is_valid():
        errors = " ".join(error for errors in form.errors.values() for error in errors)
        return message(request, errors, status=400, back=safe_next(request, ""))
    kind, object_id = form.cleaned_data["kind"], form.cleaned_data["object_id"]
    target = TARGET_MODELS[kind].objects.filter(pk=object_id).first()
    if target is None or not may_gather(request.user, kind, target):
        return message(request, _("There is nothing with this number to add."), status=404)
    if form.cleaned_data["lightbox"] == NEW_LIGHTBOX:
        lightbox, _created = Lightbox.objects.get_or_create(owner=request.user, name=form.cleaned_data["new_name"])
    else:
        lightbox = form.cleaned_data["target_lightbox"]
    put_in(request, lightbox, kind, target, done=_("“%(title)s” added to “%(name)s”."))
    return HttpResponseRedirect(safe_next(request, reverse("lightboxes:detail", args=[lightbox.pk])))


def put_in(request: HttpRequest, lightbox: Lightbox, kind: str, target: Any, *, done: str, note: str = "",
           added_at: datetime | None = None) -> None:
    """``target`` into ``lightbox`` (``added_at``: back where it was), and the message that says so;
    an item already there stays as it is, and the message says that instead."""
    try:
        with transaction.atomic():
            item = LightboxItem.objects.create(lightbox=lightbox, note=note, **{kind: target})
            if added_at is not None:
                LightboxItem.objects.filter(pk=item.pk).update(added_at=added_at)
    except IntegrityError:
        messages.info(request, _("“%(title)s” is already in “%(name)s”.") % {"title": target.title,
                                                                             "name": lightbox.name})
    else:
        lightbox.save(update_fields=["updated_at"])
        messages.success(request, done % {"title": target.title, "name": lightbox.name})


@press_account_required
@require_POST
def remove_item(request: HttpRequest, lightbox_id: int, item_id: int) -> HttpResponse:
    lightbox = own_lightbox(request, lightbox_id)
    item = get_object_or_404(LightboxItem, pk=item_id, lightbox=lightbox)
    title = item.target.title
    kind = next(kind for kind in TARGET_MODELS if getattr(item, f"{kind}_id"))
    request.session[REMOVED_ITEM] = {"lightbox": lightbox.pk, "kind": kind, "object_id": getattr(item, f"{kind}_id"),
                                     "note": item.note, "added_at": item.added_at.isoformat(), "title": title,
                                     "offered": False}
    item.delete()
    lightbox.save(update_fields=["updated_at"])
    messages.success(request, _("“%(title)s” removed.") % {"title": title})
    return redirect("lightboxes:detail", lightbox.pk)


@press_account_required
@require_POST
def restore_item(request: HttpRequest, lightbox_id: int) -> HttpResponse:
    """"Undo" after a removal: the item the session remembers back in its place, with its note."""
    lightbox = own_lightbox(request, lightbox_id)
    removed, target = removed_from(request, lightbox), None
    if removed is not None:
        del request.session[REMOVED_ITEM]
        target = TARGET_MODELS[removed["kind"]].objects.filter(pk=removed["object_id"]).first()
    if target is None or not may_gather(request.user, removed["kind"], target):
        return message(request, _("This item cannot be put back. Add it again from its page."), status=400,
                       back=reverse("lightboxes:detail", args=[lightbox.pk]))
    put_in(request, lightbox, removed["kind"], target, done=_("“%(title)s” is back in “%(name)s”."),
           note=removed["note"], added_at=datetime.fromisoformat(removed["added_at"]))
    return redirect("lightboxes:detail", lightbox.pk)


@press_account_required
@require_POST
def edit_note(request: HttpRequest, lightbox_id: int, item_id: int) -> HttpResponse:
    lightbox = own_lightbox(request, lightbox_id)
    item = get_object_or_404(LightboxItem, pk=item_id, lightbox=lightbox)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return message(request, _("A note has at most 500 characters."), status=400,
                       back=reverse("lightboxes:detail", args=[lightbox.pk]))
    item.note = form.cleaned_data["note"].strip()
    item.save(update_fields=["note"])
    messages.success(request, _("Note saved."))
    return redirect("lightboxes:detail", lightbox.pk)


@press_account_required
@require_safe
def download(request: HttpRequest, lightbox_id: int) -> HttpResponse:
    return zip_response(request, own_lightbox(request, lightbox_id),
                        back=reverse("lightboxes:detail", args=[lightbox_id]))


# --- the private link -------------------------------------------------------------------------
@never_cache
@require_safe
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """``/<lang>/lightboxes/shared/<token>/``: read-only, each file asked for the person looking."""
    lightbox = shared_lightbox(token)
    return render_lightbox(request, lightbox, owner=False)


@never_cache
@require_safe
def shared_download(request: HttpRequest, token: str) -> HttpResponse:
    lightbox = shared_lightbox(token)
    return zip_response(request, lightbox, back=reverse("lightboxes:shared", args=[token]))


def zip_response(request: HttpRequest, lightbox: Lightbox, *, back: str) -> HttpResponse:
    """The lightbox as a ZIP in the asked size, or a page saying what is wrong."""
    form = DownloadForm(request.GET)
    if not form.is_valid():
        return message(request, _("Unknown size or format. Choose one of the sizes offered."), status=400, back=back)
    shown = entries(lightbox, request.user)
    if not any(entry.available for entry in shown):
        return message(request, _("This lightbox has nothing you may download."), status=400, back=back)
    language = get_language()
    try:
        archive = build_lightbox_zip(shown, form.cleaned_data["size"], form.cleaned_data["format"] or "jpeg",
                                     language, request)
    except NotReady:
        response = message(request, _("Some pictures are being prepared. Try again in a minute."), status=503,
                           back=back)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    name = f"lao-cai-lightbox-{lightbox.pk}-{form.cleaned_data['size']}.zip"
    response = FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    packed = [entry for entry in shown if entry.available]
    if request.method == "GET":  # a HEAD request takes nothing away
        log_export("lightbox", lightbox.name, user=request.user, format=f"zip {form.cleaned_data['size']}",
                   path=request.get_full_path())
    return label(response, *(download_hit(entry) for entry in packed))


def download_hit(entry: Entry) -> Hit:
    """What one file of a lightbox ZIP counts as: a download of its asset or page."""
    if entry.kind == "page":
        return page_hit(entry.target, Metric.DOWNLOAD, detail=DownloadType.LIGHTBOX)
    return asset_hit(entry.target, detail=DownloadType.LIGHTBOX)
