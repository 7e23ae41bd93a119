import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from models_app.access.visibility import visible, visible_ids
from models_app.accounts.slugs import SLUG_MAX_LENGTH
from models_app.tags.models import Tag, TagCategory

from .facts import card_facts
from .links import model_url
from .search import MAX_QUERY_LENGTH, fold


class KnownBaseModel(models.Model):
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
        """The models `user` may see at all (`access.visibility.visible`)."""
        return visible(self, user, scan_in_order=scan_in_order)

    def visible_ids(self, user):
        """The ids of `visible_to(user)`, in no order, read from the indexes alone."""
        return visible_ids(self, user)

    def with_card_facts(self, user=None):
        """Annotates what a card or a table row shows beyond the model's own columns
        (`facts.card_facts`), in the same query however many rows it has."""
        return self.annotate(**card_facts(user))

    def search(self, query: str):
        """Models whose title, description or a tag name contains `query` (S-22)."""
        folded = fold(query)[:MAX_QUERY_LENGTH]
        return self.filter(search_text__contains=folded) if folded else self


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
    # The repository id `repo_namespace/repo_name` (SPEC §12), set by the services
    # (`repoids.py`): the namespace stays when the owner changes, every former name of a
    # rename stays a RepoAlias.
    repo_namespace = models.CharField(
        _("repository namespace"), max_length=SLUG_MAX_LENGTH, editable=False
    )
    repo_name = models.CharField(_("repository name"), max_length=SLUG_MAX_LENGTH, editable=False)
    description = models.CharField(_("description"), max_length=500, blank=True)
    base_model = models.CharField(_("base model"), max_length=200, blank=True)
    parameter_count = models.BigIntegerField(_("parameters"), null=True, blank=True)
    # The count was read from the newest version's weight files, not typed: a later upload
    # may update it, and the page says where it came from. Typing a count clears it.
    parameter_count_from_files = models.BooleanField(_("parameters read from files"), default=False)
    ip_allowlist = models.TextField(_("IP address allowlist"), blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    overview = models.TextField(_("overview"), blank=True)
    tags = models.ManyToManyField(Tag, related_name="models", blank=True, verbose_name=_("tags"))
    storage_bytes = models.BigIntegerField(_("storage used"), default=0)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    # Completed downloads of any of its files or version zips, kept here (as the views are)
    # so "most downloaded first" walks an index instead of summing every file's count.
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
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
            ),
            models.UniqueConstraint(
                fields=["repo_namespace", "repo_name"], name="model_repo_id_unique"
            ),
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
            models.Index(fields=["view_count", "id"], name="model_sort_views"),
            models.Index(fields=["download_count", "id"], name="model_sort_downloads"),
            # "Mine" without touching the table: visible_to reads owned ids from the index.
            models.Index(fields=["owner", "id"], name="model_owned_ids"),
        ]
        verbose_name = _("model")
        verbose_name_plural = _("models")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return model_url("catalog:detail", self)

    @property
    def repo_id(self) -> str:
        return f"{self.repo_namespace}/{self.repo_name}"

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


class RepoAlias(models.Model):
    """A repository id a model had before a rename; it keeps resolving to the model."""

    namespace = models.CharField(_("repository namespace"), max_length=SLUG_MAX_LENGTH)
    name = models.CharField(_("repository name"), max_length=SLUG_MAX_LENGTH)
    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="repo_aliases")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["namespace", "name"], name="repo_alias_unique")
        ]
        verbose_name = _("former repository id")
        verbose_name_plural = _("former repository ids")

    def __str__(self):
        return f"{self.namespace}/{self.name}"
