"""A user's own password: Django's views with the project's templates, throttled."""

from axes.helpers import get_client_ip_address
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from .forms import NewPasswordForm, OwnPasswordChangeForm, ResetRequestForm
from .limits import try_again_text
from .passwords import password_reset_completed, reset_request_wait

THROTTLED = 429


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = OwnPasswordChangeForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = THROTTLED if form.throttled else 400
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = ResetRequestForm
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset_body.txt"

    def form_valid(self, form):
        # The same client address the sign-in throttle counts by (AXES_CLIENT_IP_CALLABLE).
        wait = reset_request_wait(form.cleaned_data["email"], get_client_ip_address(self.request))
        if wait:
            form.add_error(
                "email",
                _("Too many requests for a reset link for this address or from your network.")
                + " "
                + try_again_text(wait),
            )
            response = self.form_invalid(form)
            response.status_code = THROTTLED
            return response
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_completed(form.user)
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
