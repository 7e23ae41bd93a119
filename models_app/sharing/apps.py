from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "models_app.sharing"
    label = "sharing"

    def on_user_created(self, user):
        """Pending invitations for the new user's address become shares (S-34)."""
        from .services import invitations_accept

        invitations_accept(user)
