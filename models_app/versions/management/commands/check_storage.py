from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from models_app.versions import blobs, staging
from models_app.versions.models import VersionFile
from models_app.versions.services import file_delete, sizes_recompute


class Command(BaseCommand):
    help = (
        "Compare the database with the storage: files whose object is missing, and objects "
        "no file refers to (orphans). With --repair, orphans are deleted and the records of "
        "missing objects are removed, each noted in the audit log (sizes recomputed). Orphans "
        "newer than --grace-hours are left alone: an upload in progress writes its object "
        "before its record."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Fix what is found.")
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=24,
            help="Keep orphans younger than this many hours (default 24): uploads of large "
            "files may still be writing them.",
        )

    def handle(self, repair, grace_hours, **options):
        if grace_hours < 0:
            raise CommandError("--grace-hours must not be negative.")
        cutoff = timezone.now() - timedelta(hours=grace_hours)
        store = blobs.artifacts()
        stored = set(store.all_keys())
        if repair:
            # Sent for a commit that never came (the Hugging Face client's LFS upload).
            stale = staging.stale_staged(grace_hours)
            stale_keys = list(stale.values_list("storage_key", flat=True))
            stale.delete()
            stored -= set(stale_keys)
            store_deletes = stale_keys
        else:
            store_deletes = []
        known = dict(VersionFile.objects.values_list("storage_key", "pk"))
        staged = staging.staged_keys()
        stored_staged = stored & staged
        stored -= staged
        missing = sorted(k for k in known if k not in stored)
        orphans = sorted(k for k in stored if k not in known)
        for key in missing:
            file = VersionFile.objects.select_related("version__model").get(pk=known[key])
            self.stdout.write(
                f"missing: {file.version.model.title} {file.version.name} {file.path} ({key})"
            )
        recent = {k for k in orphans if store.modified_at(k) > cutoff}
        for key in orphans:
            note = (
                " (recent: an upload may still be writing it; left alone)" if key in recent else ""
            )
            self.stdout.write(f"orphan: {key}{note}")
        if repair:
            blobs.delete_many(store_deletes)
            for key in orphans:
                if key not in recent:
                    store.delete_quietly(key)
            for key in missing:
                row = VersionFile.objects.select_related("version").get(pk=known[key])
                file_delete(row, storage_key=key)
            sizes_recompute()
        summary = f"{len(known)} files, {len(stored)} objects: {len(missing)} missing, "
        summary += f"{len(orphans)} orphans"
        if stored_staged or store_deletes:
            summary += f", {len(stored_staged)} staged for a commit"
            summary += f" ({len(store_deletes)} stale removed)" if store_deletes else ""
        summary += ", repaired." if repair and (missing or orphans) else "."
        style = self.style.SUCCESS if repair or not (missing or orphans) else self.style.WARNING
        self.stdout.write(style(summary))
        if (missing or orphans) and not repair:
            self.stdout.write("Run with --repair to fix.")
        self._stale_multipart_uploads(repair, grace_hours)

    def _stale_multipart_uploads(self, repair, grace_hours):
        # Direct uploads to S3 (the Hugging Face client's parts) that were never completed:
        # the bucket keeps their parts, unlisted and billed, until they are aborted.
        stale = staging.stale_multipart_uploads(grace_hours)
        for key, upload_id in stale:
            self.stdout.write(f"unfinished upload: {key} ({upload_id})")
        if stale and repair:
            staging.multipart_uploads_abort(stale)
            self.stdout.write(f"{len(stale)} unfinished uploads aborted.")
