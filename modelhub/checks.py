"""System checks of the project's own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Info, Tags, register


@register(Tags.security, deploy=True)
def plain_http_trial(app_configs, **kwargs):
    """The trial flag silences the HTTPS warnings; this note keeps the gate's output honest
    about it without failing it (an Info is below `--fail-level WARNING`)."""
    if not settings.PLAIN_HTTP_TRIAL:
        return []
    return [
        Info(
            "MODELHUB_PLAIN_HTTP_TRIAL=1: served over plain HTTP, the HTTPS warnings "
            "(security.W004, W008, W012, W016) are silenced. Passwords and session cookies "
            "cross the network unencrypted: not for production.",
            hint="Put TLS on the proxy, then unset MODELHUB_PLAIN_HTTP_TRIAL and set "
            "MODELHUB_HTTPS=1.",
            id="modelhub.I001",
        )
    ]
