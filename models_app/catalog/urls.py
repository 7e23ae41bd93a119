from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.model_list_view, name="list"),
    path("new/", views.model_create_view, name="create"),
    path("preview/", views.model_preview_view, name="preview"),
    path("<uuid:ref>/", views.model_detail_view, name="detail"),
    path("<uuid:ref>/edit/", views.model_edit_view, name="edit"),
    path("<uuid:ref>/edit/preview/", views.model_preview_view, name="edit_preview"),
    path("<uuid:ref>/avatar/", views.model_avatar_view, name="avatar"),
    path("<uuid:ref>/delete/", views.model_delete_view, name="delete"),
]
