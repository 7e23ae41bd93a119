from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import normalize_email


class SignInForm(AuthenticationForm):
    """The field stays named `username` (SPEC §9) but holds the e-mail address."""

    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _("The e-mail address or password is not right."),
        "inactive": _("This account is inactive."),
    }

    def clean_username(self):
        return normalize_email(self.cleaned_data["username"])
