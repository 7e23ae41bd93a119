from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from models_app.access.caller import Caller
from models_app.accounts.models import User, normalize_email
from models_app.catalog.services import model_create
from models_app.versions import blobs
from models_app.versions.models import ModelVersion
from models_app.versions.paths import InvalidPath, normalize_paths
from models_app.versions.services import (
    Incoming,
    StorageFailed,
    VersionNameTaken,
    files_store,
    version_create,
)

from ._common import ProgressReader, find_model


class Command(BaseCommand):
    help = (
        "Import a local folder as a version of a model (SPEC §10). The model is found by "
        "reference or by the owner's title, and created if missing; the version is created "
        "unless it exists, in which case files with the same path are replaced. Nothing is "
        "saved if a file cannot be stored, and a link to a file outside the folder is refused. "
        "The import acts as --owner: a model or version it creates and every file it stores "
        "are recorded in the audit log as theirs (via import_model)."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # SPEC §10 names the option --version; Django's own --version gives way to it.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("path", help="The folder to import (every file below it).")
        parser.add_argument("--model", required=True, help="The model's reference (uuid) or title.")
        parser.add_argument(
            "--owner",
            required=True,
            help="E-mail of the user the import acts as: the owner of a model it creates, "
            "whose titles --model is looked up among.",
        )
        parser.add_argument("--version", dest="version_name", default="", help="Default: v{n}.")

    def handle(self, path, model, owner, version_name, **options):
        folder = Path(path)
        if not folder.is_dir():
            raise CommandError(f"{path} is not a folder.")
        user = User.objects.filter(email=normalize_email(owner)).first()
        if user is None:
            raise CommandError(f"There is no user with the e-mail {owner}.")
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        if not files:
            raise CommandError(f"{path} holds no files.")
        root = folder.resolve()
        outside = [p for p in files if not p.resolve().is_relative_to(root)]
        if outside:
            # A link out of the folder would publish whatever it points at to every downloader.
            raise CommandError(
                f"{outside[0]} links to a file outside {path}; nothing was imported."
            )
        try:
            paths = normalize_paths([p.relative_to(folder).as_posix() for p in files])
        except InvalidPath as exc:
            raise CommandError(str(exc)) from exc

        self.caller = Caller(user=user, via="import_model")
        target = self._model(model, user)
        version = self._version(target, user, version_name)
        total = sum(p.stat().st_size for p in files)
        with tqdm(total=total, unit="B", unit_scale=True, disable=options["verbosity"] == 0) as bar:
            readers = [ProgressReader(file, bar) for file in files]
            try:
                items = [
                    Incoming(path=rel, source=blobs.HashingReader(reader))
                    for reader, rel in zip(readers, paths, strict=True)
                ]
                saved = files_store(version, items, by=self.caller)
            except (StorageFailed, blobs.TooLarge, InvalidPath) as exc:
                raise CommandError(str(exc) or "A file is larger than MAX_UPLOAD_BYTES.") from exc
            finally:
                for reader in readers:
                    reader.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(saved)} files ({total} bytes) into {target.title} "
                f"{version.name} ({target.uuid})."
            )
        )

    def _model(self, ref_or_title, user):
        model = find_model(ref_or_title, owner=user)
        if model is not None:
            return model
        try:
            model = model_create(by=self.caller, owner=user, title=ref_or_title)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Created model {model.title} ({model.uuid}).")
        return model

    def _version(self, model, user, name):
        if name:
            existing = ModelVersion.objects.filter(model=model, name=name).first()
            if existing is not None:
                return existing
        try:
            return version_create(model, by=self.caller, name=name)
        except (ValidationError, VersionNameTaken) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
