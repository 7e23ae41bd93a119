from django import forms
from django.utils.translation import gettext_lazy as _

from .keys import EXPIRY_DAYS_MAX, NAME_MAX, RATE_LIMIT_MAX, expiry_problem, name_problem


class EndpointKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("The application or service that will use the key."),
    )
    rate_limit_rpm = forms.IntegerField(
        label=_("Rate limit (requests per minute)"),
        min_value=1,
        max_value=RATE_LIMIT_MAX,
        initial=60,
    )
    expires_days = forms.IntegerField(
        label=_("Expires after (days)"),
        min_value=1,
        max_value=EXPIRY_DAYS_MAX,
        required=False,
        help_text=_("Leave empty for a key that does not expire."),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        problem = name_problem(name)
        if problem:
            raise forms.ValidationError(problem)
        return name

    def clean_expires_days(self):
        days = self.cleaned_data.get("expires_days")
        problem = expiry_problem(days)
        if problem:
            raise forms.ValidationError(problem)
        return days
