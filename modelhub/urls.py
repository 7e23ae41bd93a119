from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from models_app.catalog.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="catalog:list", permanent=False)),
    path("accounts/", include("models_app.accounts.urls")),
    path("models/", include("models_app.catalog.urls")),
    # versions routes
    path("models/<uuid:ref>/", include("models_app.versions.urls")),
    # sharing routes
    path("", include("models_app.sharing.urls")),
    # audit routes
    path("models/", include("models_app.audit.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
