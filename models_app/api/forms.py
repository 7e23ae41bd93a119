from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .scopes import EXPIRY_DAYS, Scope
from .services import NAME_MAX, expiry_problem, name_problem, scope_problem

NEVER = "never"


def _days(days: int) -> str:
    return gettext("%(days)d days") % {"days": days}


def _expiry_label(days):
    """Worded when the form is drawn, in the page's language (the choices are built once)."""
    if days is None:
        return _("Never")
    return lazy(_days, str)(days)


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("What the token is for, such as the job or machine that uses it."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices, initial=Scope.READ)
    expires_days = forms.ChoiceField(
        label=_("Expires after"),
        choices=[(str(days) if days else NEVER, _expiry_label(days)) for days in EXPIRY_DAYS],
        initial="90",
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        problem = name_problem(name)
        if problem:
            raise forms.ValidationError(problem)
        return name

    def clean_scope(self):
        scope = self.cleaned_data["scope"]
        problem = scope_problem(scope)
        if problem:
            raise forms.ValidationError(problem)
        return scope

    def clean_expires_days(self):
        value = self.cleaned_data["expires_days"]
        days = None if value == NEVER else int(value)
        problem = expiry_problem(days)
        if problem:
            raise forms.ValidationError(problem)
        return days
