"""The journalist's registration, an access request, and the editors' answers."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from storybank.core.text import nfc
from storybank.governance.login import ThrottledLoginForm

from .models import DEFAULT_GRANT_DAYS, default_expiry


class SignInForm(ThrottledLoginForm):
    """The admin's throttled sign-in, asking for what a journalist registered
    with: their email address is their username."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = _("Email")
        username.widget.attrs.update({"placeholder": "", "autocomplete": "email", "inputmode": "email"})
        # Wagtail's form leaves these to the field names, which are not translated.
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.update({"placeholder": "", "autocomplete": "current-password"})
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in")


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), help_text=_("You sign in with this address."))
    outlet = forms.CharField(label=_("Media organisation"), max_length=200)
    role = forms.CharField(label=_("Role"), max_length=120, help_text=_("For example: reporter, photo editor."))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               strip=False, help_text=password_validation.password_validators_help_text_html())
    statement = forms.CharField(
        label=_("What you will use the bank for"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few lines for the editors who approve press accounts."),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        User = get_user_model()
        if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists. Sign in instead."))
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for field in ("name", "outlet", "role", "statement"):
            if data.get(field):
                data[field] = nfc(data[field].strip())
        password = data.get("password")
        if password:
            email = data.get("email", "")
            candidate = get_user_model()(username=email, email=email, first_name=data.get("name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class AccessRequestForm(forms.Form):
    """Name and email are asked of anonymous visitors only; accounts give theirs."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your email"))
    reason = forms.CharField(label=_("Why you need this photo"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The publication and use, e.g. “an article on Sa Pa in our May issue”."))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(user, "is_authenticated", False):
            del self.fields["name"], self.fields["email"]

    def clean_reason(self) -> str:
        return nfc(self.cleaned_data["reason"].strip())


class DecisionForm(forms.Form):
    """An editor's answer: approve, or reject with a reason the applicant reads."""

    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    answer = forms.CharField(label=_("Reason (sent to the applicant)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Say why: the applicant is told."))
        return data


class WithdrawalForm(forms.Form):
    """Taking back an approval: the person is told why."""

    reason = forms.CharField(label=_("Why (sent to the person)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self) -> str:
        reason = nfc(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("Say why: the person is told."))
        return reason


class AccessDecisionForm(DecisionForm):
    expires_on = forms.DateField(
        label=_("Access until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].help_text = _("Default: %(days)s days from today.") % {"days": DEFAULT_GRANT_DAYS}

    def clean_expires_on(self) -> datetime.date:
        day = self.cleaned_data.get("expires_on") or default_expiry()
        if day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day
