from django.conf import settings
from django.core.management.base import BaseCommand

from models_app.retention.services import purge_due


class Command(BaseCommand):
    help = (
        "Remove the storage objects of deleted models, versions and files once they have been "
        "kept for MODELHUB_DELETED_RETENTION_DAYS days. An object that a row names again (a "
        "database backup was restored) is kept. Run it daily (deploy/systemd/)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be removed; remove nothing."
        )

    def handle(self, dry_run, **options):
        summary = purge_due(dry_run=dry_run)
        verbosity = options["verbosity"]
        if verbosity > 1:
            for key in summary.purged:
                self.stdout.write(f"{'would purge' if dry_run else 'purged'}: {key}")
            for key in summary.kept:
                self.stdout.write(f"kept (named by a row again): {key}")
        for key in summary.failed:
            self.stderr.write(f"could not purge: {key}")
        days = settings.DELETED_RETENTION_DAYS
        verb = "would be purged" if dry_run else "purged"
        line = (
            f"{len(summary.purged)} deleted objects {verb}, {len(summary.kept)} kept "
            f"(named by a row again), {len(summary.failed)} failed, {summary.waiting} still "
            f"within the retention period ({days} days)."
        )
        style = self.style.ERROR if summary.failed else self.style.SUCCESS
        self.stdout.write(style(line))
        if summary.failed:
            raise SystemExit(1)
