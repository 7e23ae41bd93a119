from importlib import import_module

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from modelhub.health import healthz

# Where every page of one model lives: each app's `model_urlpatterns` are mounted here, so
# a model is addressed the same way by all of them (SPEC §9 `<ref>`, its UUID).
MODEL_PATH = "models/<uuid:ref>/"

# The apps whose routes the hub serves, each in its own namespace (its `app_name`).
APP_URLS = [
    "models_app.catalog.urls",
    "models_app.versions.urls",
    "models_app.sharing.urls",
    "models_app.audit.urls",
    "models_app.api.urls",
    "models_app.deployments.urls",
    "models_app.deployments.gateway_urls",
    "models_app.finetune.urls",
]


def app_routes(module_name: str):
    """An app's own routes and its per-model routes under MODEL_PATH, in its namespace."""
    module = import_module(module_name)
    patterns = list(getattr(module, "urlpatterns", []))
    model_patterns = getattr(module, "model_urlpatterns", None)
    if model_patterns:
        patterns.append(path(MODEL_PATH, include(model_patterns)))
    return include((patterns, module.app_name))


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="catalog:list", permanent=False)),
    path("accounts/", include("models_app.accounts.urls")),
    *(path("", app_routes(name)) for name in APP_URLS),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
