"""How a signed-in user is loaded on each request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserWithTenantBackend(ModelBackend):
    """The default e-mail and password sign-in; the user of a session is read with their
    tenant in one query, as the header of every page shows it."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("tenant")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


# The backend a session records when a view signs a user in itself (`login(request, user,
# backend=SESSION_BACKEND)`): the throttle's backend in AUTHENTICATION_BACKENDS only refuses.
SESSION_BACKEND = f"{UserWithTenantBackend.__module__}.{UserWithTenantBackend.__qualname__}"
