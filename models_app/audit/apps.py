from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "models_app.audit"
    label = "audit"

    def ready(self):
        from axes.signals import user_locked_out

        from models_app.access.downloads import download_refused
        from models_app.access.roles import Action
        from models_app.catalog.modelpage import Tab, register_tab
        from models_app.catalog.signals import model_changed

        from . import receivers

        register_tab(
            Tab(
                "activity",
                _("Activity"),
                "audit:model_activity",
                order=40,
                action=Action.MANAGE_SHARING,
            )
        )
        model_changed.connect(receivers.record_model_change, dispatch_uid="audit.model")
        download_refused.connect(receivers.record_download_refusal, dispatch_uid="audit.refusal")
        user_locked_out.connect(receivers.record_sign_in_lockout, dispatch_uid="audit.lockout")
