"""A model's versions and files (SPEC §9), mounted under the model's path by modelhub/urls.py."""

from django.urls import path

from . import views

app_name = "versions"

# Every route that hands out file content, in one place: each view is marked
# `@download_route` (the allowlist check runs on the model its lookup found), and tests/versions/
# test_download_routes.py walks the URLconf to prove no content route goes unmarked.
download_urlpatterns = [
    path(
        "versions/<str:name>/files/<path:path>",
        views.file_download_view,
        name="file",
    ),
    path(
        "versions/<str:name>/preview/<path:path>",
        views.file_preview_view,
        name="preview",
    ),
    path("versions/<str:name>/download/", views.version_download_view, name="zip"),
    path("download/", views.model_download_view, name="model_download"),
]

model_urlpatterns = [
    path("versions/", views.versions_tab_view, name="tab"),
    path("versions/new/", views.version_create_view, name="create"),
    path("versions/<str:name>/", views.version_detail_view, name="detail"),
    path("versions/<str:name>/edit/", views.version_edit_view, name="edit"),
    path("versions/<str:name>/delete/", views.version_delete_view, name="delete"),
    path("versions/<str:name>/upload/", views.version_upload_view, name="upload"),
    path("versions/<str:name>/delete-file/", views.file_delete_view, name="delete_file"),
    *download_urlpatterns,
]

DOWNLOAD_URL_NAMES = frozenset(f"{app_name}:{p.name}" for p in download_urlpatterns)
