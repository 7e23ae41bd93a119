from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AdminUserCreationForm, AuthenticationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import User, normalize_email
from .signin import is_locked_out, lockout_problem


class ThrottledSignInMixin:
    """A sign-in refused or locked out by the throttle says so, and until when, instead of
    “wrong password”."""

    def clean_username(self):
        return normalize_email(self.cleaned_data["username"])

    def get_invalid_login_error(self):
        if is_locked_out(self.request):
            credentials = {"username": self.cleaned_data.get("username", "")}
            return forms.ValidationError(
                lockout_problem(self.request, credentials), code="locked_out"
            )
        return super().get_invalid_login_error()


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    """The field stays named `username` (SPEC §9) but holds the e-mail address."""

    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _("The e-mail address or password is not right."),
        "inactive": _("This account is inactive."),
    }


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    """The admin's sign-in (`admin.site.login_form`): the same throttle and lockout message."""


def email_taken_problem(email: str, user: User | None = None) -> str | None:
    """Why `email` cannot be the address of `user` (None for a new one): another account has
    it, in whatever case. Addresses are stored lowercased (`normalize_email`)."""
    others = User.objects.filter(email__iexact=normalize_email(email))
    if user is not None and user.pk is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        return _("Another account already uses %(email)s.") % {"email": normalize_email(email)}
    return None


class UserEmailMixin:
    """The admin's user forms: the address is lowercased and unique whatever its case."""

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        problem = email_taken_problem(email, self.instance)
        if problem:
            raise forms.ValidationError(problem, code="unique")
        return email


class UserAdminCreationForm(UserEmailMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["email"]
        field_classes = {}


class UserAdminChangeForm(UserEmailMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}
