from django.urls import path

from . import hub_read, hub_write, views

app_name = "api"

urlpatterns = [
    path("settings/tokens/", views.tokens_view, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("api/whoami-v2", views.whoami_view, name="whoami"),
    # Hugging Face–compatible uploads (issue 12, point 5): create, preupload, LFS, commit.
    path("api/repos/create", hub_write.create_repo_view, name="repo_create"),
    path("api/validate-yaml", hub_write.validate_yaml_view, name="validate_yaml"),
    path(
        "api/models/<str:namespace>/<str:name>/preupload/<path:rev>",
        hub_write.preupload_view,
        name="preupload",
    ),
    path(
        "api/models/<str:namespace>/<str:name>/commit/<path:rev>",
        hub_write.commit_view,
        name="commit",
    ),
    path(
        "api/models/<str:namespace>/<str:name>/branch/<path:branch>",
        hub_write.create_branch_view,
        name="branch_create",
    ),
    path(
        "<str:namespace>/<str:name>.git/info/lfs/objects/batch",
        hub_write.lfs_batch_view,
        name="lfs_batch",
    ),
    path("api/lfs-objects/<str:ticket>", hub_write.lfs_upload_view, name="lfs_upload"),
    path("api/lfs-objects/<str:ticket>/verify", hub_write.lfs_verify_view, name="lfs_verify"),
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
