"""How every page shows a moment: relative ("3 minutes ago") with the full date, in the one
format of the current language (its DATETIME_FORMAT), in a tooltip."""

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html


def full_date(moment) -> str:
    """The moment in the current time zone, in the current language's date and time format."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "DATETIME_FORMAT")


def relative_time(moment, wording: str = "") -> str:
    """`<time>` saying how long ago (or ahead) `moment` is, the full date as its tooltip;
    `wording` puts the relative time in a sentence ("updated %(when)s"). "" for no moment."""
    if not moment:
        return ""
    relative = naturaltime(moment)
    text = wording % {"when": relative} if wording else relative
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', moment.isoformat(), full_date(moment), text
    )
