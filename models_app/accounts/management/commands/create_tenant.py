from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_domain_name

from models_app.accounts.models import Tenant, TenantDomain
from models_app.accounts.services import tenant_create


class Command(BaseCommand):
    help = "Create a tenant (an organisation), optionally with e-mail domains whose users join it."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The tenant's name, unique.")
        parser.add_argument(
            "--domain",
            action="append",
            default=[],
            help="An e-mail domain (repeatable): new users with this domain join the tenant.",
        )

    def handle(self, name, domain, **options):
        name = name.strip()
        if not name:
            raise CommandError("The tenant name must not be empty.")
        if Tenant.objects.filter(name=name).exists():
            raise CommandError(f"A tenant named {name!r} exists already.")
        domains = [d.strip().lower() for d in domain]
        for d in domains:
            try:
                validate_domain_name(d)
            except ValidationError as exc:
                raise CommandError(f"{d!r} is not a valid domain name.") from exc
            if TenantDomain.objects.filter(domain=d).exists():
                raise CommandError(f"The domain {d!r} belongs to another tenant already.")
        tenant = tenant_create(name, domains)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created tenant {tenant.name!r}"
                + (f" with domains {', '.join(domains)}." if domains else ".")
            )
        )
