import uuid

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from models_app.tags.models import Tag, TagCategory


class BaseModel(models.Model):
    """A known foundation model offered as a suggestion (S-3); editable in the admin."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("base model")
        verbose_name_plural = _("base models")

    def __str__(self):
        return self.name


class AIModelQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The models a user may see at all: owned, shared with them, or every one for a
        superuser. Everything a user is shown or may act on starts from here."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        share_model = apps.get_model("sharing", "Share")
        shared = share_model.objects.filter(user=user).values("model_id")
        return self.filter(Q(owner=user) | Q(pk__in=shared))


class AIModel(models.Model):
    uuid = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_models",
        verbose_name=_("owner"),
    )
    title = models.CharField(_("title"), max_length=200)
    title_key = models.CharField(max_length=600, editable=False)
    description = models.CharField(_("description"), max_length=500, blank=True)
    base_model = models.CharField(_("base model"), max_length=200, blank=True)
    parameter_count = models.BigIntegerField(_("parameters"), null=True, blank=True)
    ip_allowlist = models.TextField(_("IP address allowlist"), blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    overview = models.TextField(_("overview"), blank=True)
    tags = models.ManyToManyField(Tag, related_name="models", blank=True, verbose_name=_("tags"))
    storage_bytes = models.BigIntegerField(_("storage used"), default=0)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True)

    objects = AIModelQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "title_key"], name="model_title_unique_per_owner"
            )
        ]
        verbose_name = _("model")
        verbose_name_plural = _("models")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("catalog:detail", kwargs={"ref": self.uuid})

    def tags_by_category(self, tags=None):
        """[(category label, [tag, …]), …] in the fixed category order, empty ones left out."""
        tags = list(self.tags.all()) if tags is None else tags
        grouped = []
        for value, label in TagCategory.choices:
            members = sorted((t for t in tags if t.category == value), key=lambda t: t.key)
            if members:
                grouped.append((label, members))
        return grouped
