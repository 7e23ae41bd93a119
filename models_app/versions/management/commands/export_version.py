import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from models_app.versions import blobs
from models_app.versions.models import ModelVersion

from ._common import find_model


class Command(BaseCommand):
    help = (
        "Write a version's files to a folder, keeping their paths; each file's SHA-256 is "
        "checked as it is written. Existing files are never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("ref", help="The model's reference (uuid) or title.")
        parser.add_argument("name", help="The version's identifier.")
        parser.add_argument("dest", help="The folder to write to (created if missing).")

    def handle(self, ref, name, dest, **options):
        model = find_model(ref)
        if model is None:
            raise CommandError(f"There is no model {ref!r}.")
        version = ModelVersion.objects.filter(model=model, name=name).first()
        if version is None:
            raise CommandError(f"Model {model.title} has no version {name!r}.")
        root = Path(dest)
        if root.exists() and not root.is_dir():
            raise CommandError(f"{dest} exists and is not a folder.")
        files = list(version.files.order_by("path"))
        clashes = [f.path for f in files if (root / f.path).exists()]
        if clashes:
            raise CommandError(f"{dest} already holds {', '.join(clashes[:5])}; nothing written.")
        total = sum(f.size_bytes for f in files)
        with tqdm(total=total, unit="B", unit_scale=True, disable=options["verbosity"] == 0) as bar:
            for file in files:
                self._write(file, root / file.path, bar)
        self.stdout.write(
            self.style.SUCCESS(f"Exported {len(files)} files ({total} bytes) to {root}.")
        )

    def _write(self, file, target: Path, bar):
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        try:
            chunks = blobs.artifacts().open_chunks(file.storage_key)
        except blobs.ObjectMissing as exc:
            raise CommandError(
                f"{file.path}: its object {file.storage_key} is missing from the storage "
                "(check_storage lists every such file)."
            ) from exc
        with target.open("xb") as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
                bar.update(len(chunk))
        if digest.hexdigest() != file.sha256:
            target.unlink()
            raise CommandError(f"{file.path}: the stored bytes do not match the recorded SHA-256.")
