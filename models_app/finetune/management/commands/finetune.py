import time
import uuid
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError

from models_app.access.caller import Caller
from models_app.accounts.models import User
from models_app.catalog.models import AIModel
from models_app.catalog.repoids import model_pk_for_repo_id
from models_app.finetune.forms import FineTuneForm, param_field_name
from models_app.finetune.models import FineTuneJob, JobState
from models_app.finetune.services import job_create

POLL_SECONDS = 0.5


def find_model(ref: str) -> AIModel | None:
    try:
        return AIModel.objects.filter(uuid=uuid.UUID(ref)).first()
    except ValueError:
        pass
    namespace, _, name = ref.partition("/")
    pk = model_pk_for_repo_id(namespace, name) if name else None
    return AIModel.objects.filter(pk=pk).first() if pk else None


class Command(BaseCommand):
    help = (
        "Queue a fine-tune job (SPEC §7): a version of MODEL and a dataset make a new version. "
        "Prints the job id; with --wait, the new version's name on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("model", help="The model's reference (uuid) or repository id.")
        parser.add_argument("version", help="The base version.")
        parser.add_argument("--recipe", required=True)
        dataset = parser.add_mutually_exclusive_group(required=True)
        dataset.add_argument("--dataset-file", help="A local dataset file to upload.")
        dataset.add_argument("--dataset-path", help="A dataset file of the base version.")
        parser.add_argument("--param", action="append", default=[], metavar="K=V")
        parser.add_argument("--output-version", default="")
        parser.add_argument(
            "--output-model", default="", help="A new model's title for the result."
        )
        parser.add_argument("--wait", type=float, default=None, metavar="SECONDS")
        parser.add_argument(
            "--as", dest="as_email", default="", help="Act as this user (default: the owner)."
        )

    def handle(self, *args, model, version, recipe, dataset_file, dataset_path, **options):
        found = find_model(model)
        if found is None:
            raise CommandError(f"There is no model {model!r}.")
        user = found.owner
        if options["as_email"]:
            user = User.objects.filter(email__iexact=options["as_email"]).first()
            if user is None:
                raise CommandError(f"There is no user {options['as_email']!r}.")
        data = {
            "base_version": version,
            "recipe": recipe,
            "dataset_path": dataset_path or "",
            "output_version": options["output_version"],
            "output_model": options["output_model"],
        }
        for pair in options["param"]:
            key, sep, value = pair.partition("=")
            if not sep:
                raise CommandError(f"--param {pair!r}: write it as NAME=VALUE.")
            data[param_field_name(key.strip())] = value
        files, handle = {}, None
        if dataset_file:
            path = Path(dataset_file)
            if not path.is_file():
                raise CommandError(f"{dataset_file}: no such file.")
            handle = path.open("rb")
            files["dataset"] = UploadedFile(handle, name=path.name, size=path.stat().st_size)
        try:
            form = FineTuneForm(found, data, files, user=user)
            if not form.is_valid():
                problems = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
                problems += [f"param_{k}: {v}" for k, v in form.param_errors.items()]
                raise CommandError("; ".join(problems))
            cleaned = form.cleaned_data
            job = job_create(
                by=Caller(user=user, via="command"),
                model=found,
                base_version=cleaned["base_version_obj"],
                recipe=cleaned["recipe_obj"],
                params=form.param_values,
                dataset_upload=cleaned.get("dataset"),
                dataset_path=cleaned.get("dataset_path", ""),
                output_version=cleaned.get("output_version", ""),
                output_model_title=cleaned.get("output_model", ""),
            )
        finally:
            if handle is not None:
                handle.close()
        self.stdout.write(str(job.pk))
        if options["wait"] is not None:
            self._wait(job, options["wait"])

    def _wait(self, job: FineTuneJob, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            job.refresh_from_db()
            if job.finished or time.monotonic() >= deadline:
                break
            time.sleep(POLL_SECONDS)
        if job.state == JobState.SUCCEEDED:
            self.stdout.write(job.output_version_name)
            return
        if not job.finished:
            raise CommandError(f"job {job.pk} is still {job.state} after {seconds:g} s")
        raise CommandError(f"job {job.pk} {job.state}: {job.error}")
