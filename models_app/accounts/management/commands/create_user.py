import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from models_app.accounts.models import Tenant, User, normalize_email
from models_app.accounts.services import user_create


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = (
        "Create a user who signs in with an e-mail address. The tenant is the one named, or "
        "the one owning the address's domain; pending invitations for the address take effect. "
        "Without --password or --password-stdin the password is asked for (twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--password",
            help="The password on the command line: it stays in the shell's history and is "
            "visible to other users in `ps`. Prefer the prompt or --password-stdin.",
        )
        source.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input (its first line).",
        )
        parser.add_argument("--tenant", help="The tenant's name (default: by e-mail domain).")
        parser.add_argument("--superuser", action="store_true", help="Make a superuser.")
        parser.add_argument("--name", default="", help="Display name.")

    def handle(self, email, password, password_stdin, tenant, superuser, name, **options):
        email = normalize_email(email)
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not a valid e-mail address.") from exc
        if User.objects.filter(email=email).exists():
            raise CommandError(f"A user with the e-mail {email} exists already.")
        if password_stdin:
            password = self.stdin.readline().rstrip("\r\n")
        elif password is None:
            password = self.prompt_password()
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("Password rejected: " + " ".join(exc.messages)) from exc
        tenant_obj = None
        if tenant:
            tenant_obj = Tenant.objects.filter(name=tenant).first()
            if tenant_obj is None:
                raise CommandError(f"There is no tenant named {tenant!r}.")
        user = user_create(
            email, password, tenant=tenant_obj, superuser=superuser, display_name=name
        )
        where = f" in tenant {user.tenant.name!r}" if user.tenant else " without a tenant"
        kind = "superuser" if superuser else "user"
        self.stdout.write(self.style.SUCCESS(f"Created {kind} {user.email}{where}."))
        shared = user.shares.count()
        if shared:
            self.stdout.write(f"Pending invitations gave access to {shared} model(s).")

    def execute(self, *args, **options):
        # As Django's createsuperuser: call_command(stdin=…) stands in for the terminal.
        self.stdin = options.get("stdin") or sys.stdin
        return super().execute(*args, **options)

    def prompt_password(self) -> str:
        if not self.stdin.isatty():
            raise CommandError(
                "No password: give --password-stdin with the password on standard input, or "
                "run the command in a terminal to be asked for it."
            )
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            raise CommandError("The two passwords differ.")
        return password
