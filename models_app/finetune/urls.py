"""A model's fine-tune jobs (SPEC §7), mounted under the model's path by modelhub/urls.py."""

from django.urls import path

from . import views

app_name = "finetune"

model_urlpatterns = [
    path("finetune/", views.finetune_tab_view, name="tab"),
    path("finetune/new/", views.finetune_new_view, name="new"),
    path("finetune/<int:job_id>/", views.job_detail_view, name="job"),
    path("finetune/<int:job_id>/cancel/", views.job_cancel_view, name="cancel"),
]
