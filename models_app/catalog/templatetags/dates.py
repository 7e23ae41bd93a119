"""`{{ moment|relative_time }}`: the one way templates show a date (see catalog/dates.py)."""

from django import template

from models_app.catalog import dates

register = template.Library()


@register.filter
def relative_time(moment):
    return dates.relative_time(moment)
