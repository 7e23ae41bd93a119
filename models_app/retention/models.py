from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingPurge(models.Model):
    """A storage object whose record was deleted: kept until the retention period is over,
    so that restoring a database backup younger than that finds every object it names.

    Written in the delete's transaction, so it is in every backup taken after the delete and
    in none taken before (whose rows still name the object, which keeps it anyway)."""

    storage_key = models.CharField(max_length=255, unique=True)
    deleted_at = models.DateTimeField(_("deleted at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("storage object pending purge")
        verbose_name_plural = _("storage objects pending purge")

    def __str__(self):
        return self.storage_key
