from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .slugs import SLUG_MAX_LENGTH, fallback_slug, first_free_slug, repo_slug


class Tenant(models.Model):
    """An organisation; every user belongs to one."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    # The namespace of its members' repository ids (SPEC §12); kept when the name changes,
    # so ids stay valid.
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = free_tenant_slug(self.name)
        super().save(*args, **kwargs)


def free_tenant_slug(name: str, tenants=None) -> str:
    """A slug of the tenant's name that no tenant has yet."""
    tenants = Tenant.objects if tenants is None else tenants
    base = repo_slug(name) or fallback_slug("tenant")
    return first_free_slug(base, lambda slug: tenants.filter(slug=slug).exists())


def free_handle(email: str, users=None) -> str:
    """A handle from the e-mail's local part that no user has yet."""
    users = User.objects if users is None else users
    base = repo_slug(email.split("@")[0]) or fallback_slug("user")
    return first_free_slug(base, lambda handle: users.filter(handle=handle).exists())


class TenantDomain(models.Model):
    """An e-mail domain whose new users join the tenant."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")

    def __str__(self):
        return self.domain


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email=normalize_email(username))


def normalize_email(email: str) -> str:
    """E-mail addresses are compared whole and case-insensitively."""
    return (email or "").strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # The namespace of the user's repository ids when they have no tenant (SPEC §12).
    handle = models.SlugField(_("handle"), max_length=SLUG_MAX_LENGTH, unique=True)
    tenant = models.ForeignKey(
        Tenant,
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
        verbose_name=_("tenant"),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        if not self.handle:
            self.handle = free_handle(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]
