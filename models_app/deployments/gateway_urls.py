"""The gateway's routes (SPEC §7) and the per-model pages of endpoint keys and the
playground, mounted by modelhub/urls.py in the "gateway" namespace."""

from django.urls import path

from . import endpoint_views, gateway_views

app_name = "gateway"

urlpatterns = [
    path("v1/models", gateway_views.models_view, name="models"),
    path("v1/chat/completions", gateway_views.chat_completions_view, name="chat_completions"),
    path("v1/completions", gateway_views.completions_view, name="completions"),
    path("v1/embeddings", gateway_views.embeddings_view, name="embeddings"),
    path(
        "api/inference/<str:namespace>/<str:name>",
        gateway_views.inference_view,
        name="inference",
    ),
]

model_urlpatterns = [
    path("endpoints/", endpoint_views.endpoints_view, name="endpoints"),
    path("endpoints/new/", endpoint_views.endpoint_create_view, name="endpoint_create"),
    path("endpoints/<int:pk>/revoke/", endpoint_views.endpoint_revoke_view, name="endpoint_revoke"),
    path("playground/", endpoint_views.playground_view, name="playground"),
]
