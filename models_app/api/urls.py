from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("settings/tokens/", views.tokens_view, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("api/whoami-v2", views.whoami_view, name="whoami"),
]
