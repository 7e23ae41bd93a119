"""Links to one model's pages, and to the list filtered by a tag. A list page draws dozens of
them, and a full `reverse()` per link costs more than the rest of a card: each route is
reversed once (per URLconf and script prefix) with a stand-in reference, and the model's own is
put in its place."""

from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

STAND_IN = "00000000-0000-4000-8000-000000000000"


@lru_cache(maxsize=128)
def _route(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf, kwargs={"ref": STAND_IN})


def model_url(name: str, model) -> str:
    """The URL of route `name` (which takes the model's reference as `ref`) for `model`."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _route(name, urlconf, get_script_prefix()).replace(STAND_IN, str(model.uuid), 1)


@lru_cache(maxsize=16)
def _list_route(urlconf: str, prefix: str) -> str:
    return reverse("catalog:list", urlconf=urlconf)


def tag_filter_url(category: str, name: str) -> str:
    """The list filtered by one tag (`?framework=PyTorch`): where a tag on a card leads."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return f"{_list_route(urlconf, get_script_prefix())}?{urlencode({category: name})}"
