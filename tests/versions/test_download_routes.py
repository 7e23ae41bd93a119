"""No route that hands out file content escapes the allowlist middleware.

Three nets: the routes listed in one place are marked; every marked route captures `ref`
(or a repository id);
and every route of the URLconf is requested with real values, failing if any response
carrying file content came from an unmarked view (the middleware raises on that too).
"""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path

from models_app.access.downloads import hands_out_content, is_download_route
from models_app.versions.urls import DOWNLOAD_URL_NAMES

from .conftest import upload_multipart


def walk(patterns, prefix="", namespace=""):
    """(route text, full name, callback) for every pattern in the URLconf."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from walk(
                entry.url_patterns,
                prefix + str(entry.pattern),
                f"{namespace}{ns}:" if ns else namespace,
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield prefix + str(entry.pattern), name, entry.callback


ROUTES = list(walk(get_resolver().url_patterns))


def test_the_listed_download_routes_exist_and_are_marked():
    found = {name: callback for _route, name, callback in ROUTES if name in DOWNLOAD_URL_NAMES}
    assert set(found) == set(DOWNLOAD_URL_NAMES)
    assert all(is_download_route(callback) for callback in found.values())


def test_every_marked_route_names_its_model():
    marked = [route for route, _name, callback in ROUTES if is_download_route(callback)]
    assert marked
    # A model is named by its reference, or (the Hugging Face client's resolve) its repo id.
    assert all("<uuid:ref>" in route or "<str:namespace>/<str:name>/" in route for route in marked)
    assert "api:hub_resolve" in [
        name for _route, name, callback in ROUTES if is_download_route(callback)
    ]


@pytest.fixture
def fill(client_for, owner, version):
    upload_multipart(client_for(owner), version, {"dir/file.bin": b"content"})
    values = {"ref": str(version.model.uuid), "name": version.name, "path": "dir/file.bin"}

    def url_for(route: str) -> str:
        def value(match):
            return values.get(match.group(2), "1")

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route).lstrip("^").rstrip("$")

    return url_for


def test_no_route_hands_out_content_without_the_mark(fill, client_for, owner):
    client = client_for(owner)
    content_routes = set()
    for route, name, callback in ROUTES:
        if route.startswith("admin/") or "(?P" in route:
            continue
        response = client.get(fill(route))
        if hands_out_content(response):
            content_routes.add(name)
            assert is_download_route(callback), f"{route} hands out content unmarked"
    assert content_routes == set(DOWNLOAD_URL_NAMES)


def _leaky_view(request, ref):
    return FileResponse(iter([b"leak"]))


def _flagged_view(request, ref):
    response = HttpResponse(b"leak")
    response.hands_out_content = True
    return response


urlpatterns = [
    path("leak/<uuid:ref>/", _leaky_view),
    path("flagged/<uuid:ref>/", _flagged_view),
]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("prefix", ["leak", "flagged"])
def test_middleware_refuses_content_from_an_unmarked_view(client_for, owner, model, prefix):
    with pytest.raises(ImproperlyConfigured):
        client_for(owner).get(f"/{prefix}/{model.uuid}/")
