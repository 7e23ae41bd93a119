"""A model's deployments (SPEC §7), mounted under the model's path by modelhub/urls.py."""

from django.urls import path

from . import views

app_name = "deployments"

model_urlpatterns = [
    path("deployments/", views.deployments_tab_view, name="tab"),
    path("deployments/new/", views.deployment_create_view, name="create"),
    path("deployments/<int:pk>/", views.deployment_detail_view, name="detail"),
    path("deployments/<int:pk>/stop/", views.deployment_stop_view, name="stop"),
    path("deployments/<int:pk>/start/", views.deployment_start_view, name="start"),
    path("deployments/<int:pk>/redeploy/", views.deployment_redeploy_view, name="redeploy"),
    path("deployments/<int:pk>/delete/", views.deployment_delete_view, name="delete"),
]
