import uuid

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from models_app.tags.models import Tag, TagCategory

from .links import model_url
from .search import MAX_QUERY_LENGTH, fold


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
    def visible_to(self, user, *, scan_in_order=False):
        """The models a user may see at all: owned, shared with them, or every one for a
        superuser. Everything a user is shown or may act on starts from here.

        The same set in two phrasings for PostgreSQL's planner. By default one id list
        (owned ∪ shared) joined by key: the few visible rows are looked up, never the whole
        table. `scan_in_order` tests each row's id against the two id lists hashed instead,
        so a sorted page can walk its sort index (id included) and stop at the page's end."""
        sources = _visibility_of(user)
        if sources is None:
            return self.none()
        if sources is EVERY_MODEL:
            return self
        owned, shared = sources
        if scan_in_order:
            return self.filter(models.Q(pk__in=owned) | models.Q(pk__in=shared))
        return self.filter(pk__in=owned.union(shared, all=True))

    def visible_ids(self, user):
        """The ids of `visible_to(user)`, in no order, read from the indexes alone."""
        sources = _visibility_of(user)
        if sources is None:
            return self.none().values_list("pk", flat=True)
        if sources is EVERY_MODEL:
            return self.order_by().values_list("pk", flat=True)
        owned, shared = sources
        return owned.union(shared)

    def with_card_facts(self, user=None):
        """Annotates what a card or a table row shows beyond the model's own columns
        (`facts.card_facts`), in the same query however many rows it has."""
        from .facts import card_facts

        return self.annotate(**card_facts(user))

    def search(self, query: str):
        """Models whose title, description or a tag name contains `query` (S-22)."""
        folded = fold(query)[:MAX_QUERY_LENGTH]
        return self.filter(search_text__contains=folded) if folded else self


EVERY_MODEL = "every model"


def _visibility_of(user):
    """The one rule behind `visible_to` and `visible_ids`: None (nothing) for a signed-out or
    deactivated user, EVERY_MODEL for a superuser, else the ids they own and the ids shared
    with them, as two subqueries."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return EVERY_MODEL
    owned = AIModel.objects.filter(owner=user).order_by().values_list("pk", flat=True)
    shares = apps.get_model("sharing", "Share").objects.filter(user=user)
    return owned, shares.order_by().values_list("model_id", flat=True)


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
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = AIModelQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "title_key"], name="model_title_unique_per_owner"
            )
        ]
        # One index per sort key of the list (S-23), with the id as the tie-breaker so a
        # page is stable; a B-tree serves both directions. PostgreSQL also gets the
        # "most parameters first, unknown last" index and the search index (migration 0004).
        indexes = [
            models.Index(fields=["updated_at", "id"], name="model_sort_updated"),
            models.Index(fields=["created_at", "id"], name="model_sort_created"),
            models.Index(fields=["storage_bytes", "id"], name="model_sort_storage"),
            models.Index(fields=["parameter_count", "id"], name="model_sort_parameters"),
            models.Index(fields=["title_key", "id"], name="model_sort_name"),
            # "Mine" without touching the table: visible_to reads owned ids from the index.
            models.Index(fields=["owner", "id"], name="model_owned_ids"),
        ]
        verbose_name = _("model")
        verbose_name_plural = _("models")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return model_url("catalog:detail", self)

    def tags_by_category(self, tags=None):
        """[(category label, [tag, …]), …] in the fixed category order, empty ones left out."""
        tags = list(self.tags.all()) if tags is None else tags
        grouped = []
        for value, label in TagCategory.choices:
            members = sorted((t for t in tags if t.category == value), key=lambda t: t.key)
            if members:
                grouped.append((str(label), members))
        return grouped


class ModelView(models.Model):
    """One row per user, model and day: the views count grows only when a row is new (S-35)."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "user", "day"], name="model_view_once_a_day")
        ]
        verbose_name = _("model view")
        verbose_name_plural = _("model views")

    def __str__(self):
        return f"{self.user_id} viewed {self.model_id} on {self.day}"
