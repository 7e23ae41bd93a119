from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("models/", views.model_list_view, name="list"),
    path("models/new/", views.model_create_view, name="create"),
    path("models/preview/", views.model_preview_view, name="preview"),
    path("models/tags/<str:category>/", views.tag_suggestions_view, name="tag_suggestions"),
]

# Mounted under the model's own path by modelhub/urls.py, as every app's are.
model_urlpatterns = [
    path("", views.model_detail_view, name="detail"),
    path("edit/", views.model_edit_view, name="edit"),
    path("edit/preview/", views.model_preview_view, name="edit_preview"),
    path("avatar/", views.model_avatar_view, name="avatar"),
    path("delete/", views.model_delete_view, name="delete"),
]
