from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from models_app.accounts.models import User, normalize_email

from .models import Role
from .services import role_problem, share_target_problem


class RoleField(forms.ChoiceField):
    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not a role. Choose viewer, editor or admin."),
        "required": _("Choose a role."),
    }

    def __init__(self, **kwargs):
        super().__init__(choices=Role.choices, label=_("Role"), **kwargs)


class ShareAddForm(forms.Form):
    """E-mail + role (SPEC §9 `POST /models/<ref>/sharing/`)."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages={
            "required": _("Enter the e-mail address of the person to share with."),
            "invalid": _("“%(value)s” is not a valid e-mail address."),
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "off", "placeholder": _("colleague@example.com")}
        ),
    )
    role = RoleField(initial=Role.VIEWER)

    def __init__(self, *args, model, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.actor = actor

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        problem = share_target_problem(self.model, email, self.actor)
        if problem:
            raise forms.ValidationError(problem)
        return email

    def clean_role(self):
        role = self.cleaned_data["role"]
        problem = role_problem(role)
        if problem:
            raise forms.ValidationError(problem)
        return role


class ShareChangeForm(forms.Form):
    """`role`, or `remove` = `1` (SPEC §9 `POST /models/<ref>/sharing/<share>/`)."""

    role = RoleField(required=False)
    remove = forms.CharField(required=False)

    def clean_remove(self):
        remove = self.cleaned_data["remove"]
        if remove not in ("", "1"):
            raise forms.ValidationError(_("To remove someone, send remove=1."))
        return remove == "1"

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("remove") and not data.get("role"):
            self.add_error("role", _("Choose a role, or remove the person."))
        return data


class InvitationSignUpForm(forms.Form):
    """The address is fixed by the invitation; the person chooses a password (twice)."""

    display_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        validate_password(password, User(email=self.email))
        return password

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        return data
