"""Creating tenants and users: the one path used by commands, the admin and sign-up."""

from django.db import transaction

from .models import Tenant, TenantDomain, User, normalize_email
from .signals import user_created


def tenant_for_email(email: str) -> Tenant | None:
    domain = normalize_email(email).rpartition("@")[2]
    link = TenantDomain.objects.select_related("tenant").filter(domain=domain).first()
    return link.tenant if link else None


@transaction.atomic
def tenant_create(name: str, domains: list[str] = ()) -> Tenant:
    tenant = Tenant.objects.create(name=name.strip())
    for domain in domains:
        TenantDomain.objects.create(tenant=tenant, domain=domain.strip().lower())
    return tenant


def user_joined(user: User) -> None:
    """Announces a new user (`signals.user_created`); for users created outside `user_create`."""
    user_created.send(sender=User, user=user)


@transaction.atomic
def user_create(
    email: str,
    password: str | None,
    tenant: Tenant | None = None,
    superuser: bool = False,
    display_name: str = "",
) -> User:
    email = normalize_email(email)
    tenant = tenant or tenant_for_email(email)
    create = User.objects.create_superuser if superuser else User.objects.create_user
    user = create(email=email, password=password, tenant=tenant, display_name=display_name)
    user_joined(user)
    return user
