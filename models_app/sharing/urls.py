from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("invitations/<str:token>/", views.invitation_signup_view, name="signup"),
]

# Mounted under the model's own path by modelhub/urls.py.
model_urlpatterns = [
    path("sharing/", views.sharing_view, name="tab"),
    # <share> is the person's e-mail address: the same for a share and a pending invitation.
    path("sharing/<path:share>/", views.share_change_view, name="change"),
]
