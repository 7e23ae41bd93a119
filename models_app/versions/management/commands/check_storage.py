from dataclasses import dataclass, field
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from models_app.retention.services import pending_keys
from models_app.versions import blobs, staging
from models_app.versions.models import VersionFile
from models_app.versions.services import file_delete, sizes_recompute


@dataclass
class Findings:
    known: dict[str, int]
    stored: set[str]
    missing: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    recent: set[str] = field(default_factory=set)
    pending: set[str] = field(default_factory=set)
    stored_staged: set[str] = field(default_factory=set)
    stale_removed: list[str] = field(default_factory=list)


class Command(BaseCommand):
    help = (
        "Compare the database with the storage: files whose object is missing, and objects "
        "no row refers to (orphans). Objects of deleted models, versions and files that are "
        "kept for the retention period (purge_deleted) are no orphans. Exits with status 1 "
        "while a file's object is missing. With --repair, orphans older than --grace-hours "
        "and staged objects never committed are deleted, and sizes recomputed; the records of "
        "missing objects are kept (a restore of the bucket may bring them back) unless "
        "--delete-missing-rows is given too (each noted in the audit log). --create-bucket "
        "creates the configured S3 bucket if it does not exist yet. With S3, multipart uploads "
        "never completed (the Hugging Face client's direct uploads) are listed, and aborted "
        "by --repair once older than --grace-hours."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Fix what is found.")
        parser.add_argument(
            "--delete-missing-rows",
            action="store_true",
            help="With --repair: also delete the records of files whose object is missing. "
            "Their content is lost for good; restore the bucket first if you can.",
        )
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=24,
            help="Keep orphans younger than this many hours (default 24): uploads of large "
            "files may still be writing them.",
        )
        parser.add_argument(
            "--create-bucket",
            action="store_true",
            help="Create the S3 bucket (MODELHUB_S3_BUCKET, in MODELHUB_S3_REGION) if it does "
            "not exist, then check as usual.",
        )

    def handle(self, repair, delete_missing_rows, grace_hours, create_bucket, **options):
        if grace_hours < 0:
            raise CommandError("--grace-hours must not be negative.")
        if delete_missing_rows and not repair:
            raise CommandError("--delete-missing-rows goes with --repair.")
        store = blobs.artifacts()
        if create_bucket:
            self._create_bucket(store)
        cutoff = timezone.now() - timedelta(hours=grace_hours)
        findings = self._compare(store, repair=repair, grace_hours=grace_hours, cutoff=cutoff)
        self._report(findings)
        if repair:
            self._repair(store, findings, delete_missing_rows=delete_missing_rows)
        self._summarise(findings, repair=repair, delete_missing_rows=delete_missing_rows)
        self._stale_multipart_uploads(repair, grace_hours)
        if findings.missing and not (repair and delete_missing_rows):
            raise CommandError(
                f"{len(findings.missing)} files have no object in storage.", returncode=1
            )

    def _create_bucket(self, store):
        try:
            created = store.create_bucket()
        except blobs.NoBucket as exc:
            raise CommandError(str(exc)) from exc
        name = store.bucket_name
        self.stdout.write(f"bucket {name}: " + ("created." if created else "exists already."))

    def _compare(self, store, *, repair, grace_hours, cutoff) -> Findings:
        stored = set(store.all_keys())
        findings = Findings(known={}, stored=stored)
        if repair:
            # Sent for a commit that never came (the Hugging Face client's LFS upload).
            stale = staging.stale_staged(grace_hours)
            findings.stale_removed = list(stale.values_list("storage_key", flat=True))
            stale.delete()
            stored -= set(findings.stale_removed)
        findings.known = dict(VersionFile.objects.values_list("storage_key", "pk"))
        staged = staging.staged_keys()
        findings.stored_staged = stored & staged
        stored -= staged
        # Kept on purpose for a restore: purge_deleted removes them when their time is up.
        findings.pending = (stored & pending_keys()) - findings.known.keys()
        stored -= findings.pending
        findings.missing = sorted(k for k in findings.known if k not in stored)
        findings.orphans = sorted(k for k in stored if k not in findings.known)
        findings.recent = {k for k in findings.orphans if store.modified_at(k) > cutoff}
        return findings

    def _report(self, findings: Findings):
        for key in findings.missing:
            file = VersionFile.objects.select_related("version__model").get(pk=findings.known[key])
            self.stdout.write(
                f"missing: {file.version.model.title} {file.version.name} {file.path} ({key})"
            )
        for key in findings.orphans:
            note = (
                " (recent: an upload may still be writing it; left alone)"
                if key in findings.recent
                else ""
            )
            self.stdout.write(f"orphan: {key}{note}")

    def _repair(self, store, findings: Findings, *, delete_missing_rows):
        blobs.delete_many(findings.stale_removed)
        for key in findings.orphans:
            if key not in findings.recent:
                store.delete_quietly(key)
        if delete_missing_rows:
            for key in findings.missing:
                row = VersionFile.objects.select_related("version").get(pk=findings.known[key])
                file_delete(row, storage_key=key)
        sizes_recompute()

    def _summarise(self, findings: Findings, *, repair, delete_missing_rows):
        missing, orphans = findings.missing, findings.orphans
        summary = f"{len(findings.known)} files, {len(findings.stored)} objects: "
        summary += f"{len(missing)} missing, {len(orphans)} orphans"
        if findings.pending:
            summary += f", {len(findings.pending)} deleted and kept for the retention period"
        if findings.stored_staged or findings.stale_removed:
            summary += f", {len(findings.stored_staged)} staged for a commit"
            if findings.stale_removed:
                summary += f" ({len(findings.stale_removed)} stale removed)"
        summary += ", repaired." if repair and (missing or orphans) else "."
        fixed = repair and (delete_missing_rows or not missing)
        style = self.style.SUCCESS if fixed or not (missing or orphans) else self.style.WARNING
        self.stdout.write(style(summary))
        if missing and not delete_missing_rows:
            self.stdout.write(
                "Files without their object: restore the bucket (or its object versions) "
                "from a backup; `--repair --delete-missing-rows` forgets them for good."
            )
        elif orphans and not repair:
            self.stdout.write("Run with --repair to fix.")

    def _stale_multipart_uploads(self, repair, grace_hours):
        # Direct uploads to S3 (the Hugging Face client's parts) that were never completed:
        # the bucket keeps their parts, unlisted and billed, until they are aborted.
        stale = staging.stale_multipart_uploads(grace_hours)
        for key, upload_id in stale:
            self.stdout.write(f"unfinished upload: {key} ({upload_id})")
        if stale and repair:
            staging.multipart_uploads_abort(stale)
            self.stdout.write(f"{len(stale)} unfinished uploads aborted.")
