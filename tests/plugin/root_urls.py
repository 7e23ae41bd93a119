"""The hub's URLconf with the stand-in app mounted the way modelhub/urls.py mounts every app."""

from django.urls import path

from modelhub.urls import app_routes
from modelhub.urls import urlpatterns as hub_urlpatterns

urlpatterns = [*hub_urlpatterns, path("", app_routes("tests.plugin.urls"))]
