from django.core.management.base import BaseCommand, CommandError

from models_app.access.caller import Caller
from models_app.accounts.models import User, normalize_email
from models_app.api.scopes import Scope
from models_app.api.services import TokenError, token_create


class Command(BaseCommand):
    help = (
        "Creates a personal access token for a user and prints it alone on the last line "
        "(it is not stored: copy it from there)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The user's e-mail address.")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument("--scope", default=Scope.READ, help="read (default) or write.")
        parser.add_argument(
            "--expires-days",
            type=int,
            default=None,
            help="30, 90 or 365; without it the token never expires.",
        )

    def handle(self, *args, email, name, scope, expires_days, **options):
        user = User.objects.filter(email=normalize_email(email)).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user has the e-mail address {email!r}.")
        try:
            token, secret = token_create(
                by=Caller(user=None, via="create_token"),
                user=user,
                name=name,
                scope=scope,
                expires_days=expires_days,
            )
        except TokenError as exc:
            raise CommandError(str(exc)) from exc
        expiry = f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "never expires"
        self.stdout.write(f"Token {token.name!r} ({token.scope}, {expiry}) for {user.email}:")
        self.stdout.write(secret)
