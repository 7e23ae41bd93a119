from django.urls import path

from . import hub_read, views

app_name = "api"

urlpatterns = [
    path("settings/tokens/", views.tokens_view, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("api/whoami-v2", views.whoami_view, name="whoami"),
    # The Hugging Face client's read routes (hub_read.py): model info, tree, resolve, list.
    # A `<path:…>` holds "<revision>/<path>": hub_read splits it on the raw path.
    path("api/models", hub_read.model_list_view, name="hub_models"),
    path("api/models/<str:namespace>/<str:name>", hub_read.model_info_view, name="hub_model"),
    path(
        "api/models/<str:namespace>/<str:name>/revision/<path:rev>",
        hub_read.model_info_view,
        name="hub_model_revision",
    ),
    path(
        "api/models/<str:namespace>/<str:name>/tree/<path:rest>",
        hub_read.tree_view,
        name="hub_tree",
    ),
    path(
        "<str:namespace>/<str:name>/resolve/<path:rest>", hub_read.resolve_view, name="hub_resolve"
    ),
]
