from django.core.management.base import BaseCommand

from models_app.versions.services import sizes_recompute


class Command(BaseCommand):
    help = "Rebuild every version's size and every model's storage size from the file records."

    def handle(self, **options):
        changed = sizes_recompute()
        self.stdout.write(self.style.SUCCESS(f"Sizes recomputed; {changed} corrected."))
