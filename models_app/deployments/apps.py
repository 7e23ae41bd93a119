from django.apps import AppConfig


class DeploymentsConfig(AppConfig):
    name = "models_app.deployments"
    label = "deployments"

    def ready(self):
        from .declarations import declare

        declare()
