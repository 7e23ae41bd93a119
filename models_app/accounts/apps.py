from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "models_app.accounts"
    label = "accounts"
