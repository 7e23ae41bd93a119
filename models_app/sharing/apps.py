from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "models_app.sharing"
    label = "sharing"

    def ready(self):
        from models_app.access import grants
        from models_app.accounts.signals import user_created

        from .declarations import declare
        from .grants import SHARES
        from .services import accept_invitations_of_new_user

        grants.register(SHARES)
        declare()
        user_created.connect(accept_invitations_of_new_user, dispatch_uid="sharing.invitations")
