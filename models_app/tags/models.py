from django.db import models
from django.utils.translation import gettext_lazy as _


class TagCategory(models.TextChoices):
    FRAMEWORK = "framework", _("Framework")
    ARCHITECTURE = "architecture", _("Architecture")
    DOMAIN = "domain", _("Domain")
    TASK = "task", _("Task")
    OTHER = "other", _("Other")


class Tag(models.Model):
    """A label in one category; matched case-insensitively through `key` (S-13)."""

    category = models.CharField(_("category"), max_length=20, choices=TagCategory.choices)
    name = models.CharField(_("name"), max_length=50)
    key = models.CharField(max_length=200, editable=False)

    class Meta:
        ordering = ["category", "key"]
        constraints = [
            models.UniqueConstraint(fields=["category", "key"], name="tag_unique_per_category")
        ]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return f"{self.get_category_display()}: {self.name}"
