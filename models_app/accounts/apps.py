from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "models_app.accounts"
    label = "accounts"

    def ready(self):
        from axes.signals import user_locked_out

        from .signin import log_lockout

        user_locked_out.connect(log_lockout, dispatch_uid="accounts.lockout_log")
