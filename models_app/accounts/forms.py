from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserChangeForm,
)
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .limits import rate_limit, try_again_text
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


# Lazy, so the rules are written in the language of the page that shows them, whenever the
# form was built.
_rules_sentence = lazy(lambda: " ".join(password_validators_help_texts()), str)


def _plain_password_help(form) -> None:
    """The new password's rules as a sentence, not Django's HTML list."""
    form.fields["new_password1"].help_text = _rules_sentence()


class NewPasswordForm(SetPasswordForm):
    """Choosing a new password through a reset link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self)


class OwnPasswordChangeForm(PasswordChangeForm):
    """A signed-in user changes their password. Wrong current passwords are limited
    (RATE_LIMITS["password_change_failure"]): a session left open is no way to guess it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self)
        self.throttled = False

    def clean_old_password(self):
        limit = rate_limit("password_change_failure")
        wait = limit.wait(self.user.pk)
        if not wait:
            try:
                return super().clean_old_password()
            except forms.ValidationError:
                wait = limit.take(self.user.pk)
                if not wait:
                    raise
        self.throttled = True
        raise forms.ValidationError(
            gettext("Too many wrong current passwords.") + " " + try_again_text(wait),
            code="throttled",
        )


class ResetRequestForm(PasswordResetForm):
    """The address to send a reset link to. Whether an account has it is never told."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])


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
