import time
import uuid

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from models_app.access.caller import Caller
from models_app.catalog.models import AIModel
from models_app.catalog.repoids import model_pk_for_repo_id
from models_app.deployments.models import Deployment, State
from models_app.deployments.runtimes import suggest_runtime
from models_app.deployments.services import deployment_create


def find_model(reference: str) -> AIModel:
    try:
        found = AIModel.objects.filter(uuid=uuid.UUID(reference)).first()
    except ValueError:
        namespace, slash, name = reference.partition("/")
        pk = model_pk_for_repo_id(namespace, name) if slash else None
        found = AIModel.objects.filter(pk=pk).first() if pk else None
    if found is None:
        raise CommandError(f"No model {reference!r} (give its UUID or its repo id).")
    return found


class Command(BaseCommand):
    help = (
        "Deploys a version of a model (SPEC §7) and prints the gateway model name on the last "
        "line. With --wait, waits until a supervisor (run_deployments) has it ready; exits 1 "
        "with the reason if it fails or the time runs out."
    )

    def add_arguments(self, parser):
        parser.add_argument("model", help="The model's UUID or repo id (namespace/name).")
        parser.add_argument("version", help="The version's name.")
        parser.add_argument("--runtime", help="llama.cpp, onnxruntime or openai (from the files).")
        parser.add_argument("--file", default="", help="The file to run (when several fit).")
        parser.add_argument("--task", default="", help="ONNX: feature-extraction, …")
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--context-size", type=int, default=2048)
        parser.add_argument("--max-concurrency", type=int, default=1)
        parser.add_argument("--upstream-url", default="")
        parser.add_argument("--upstream-model", default="")
        parser.add_argument(
            "--upstream-key-env",
            default="",
            help="The environment variable (MODELHUB_UPSTREAM_KEY_…) holding the upstream key.",
        )
        parser.add_argument("--wait", type=float, default=None, metavar="SECONDS")

    def handle(self, *args, model, version, runtime, wait, **options):
        found = find_model(model)
        chosen = found.versions.filter(name=version).first()
        if chosen is None:
            raise CommandError(f"The model {found.repo_id} has no version {version!r}.")
        paths = list(chosen.files.values_list("path", flat=True))
        try:
            deployment = deployment_create(
                by=Caller(user=None, via="deploy"),
                model=found,
                version=chosen,
                runtime=runtime or suggest_runtime(paths),
                file_path=options["file"],
                task=options["task"],
                threads=options["threads"],
                context_size=options["context_size"],
                max_concurrency=options["max_concurrency"],
                upstream_url=options["upstream_url"],
                upstream_model=options["upstream_model"],
                upstream_key_env=options["upstream_key_env"],
            )
        except ValidationError as exc:
            reasons = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
            raise CommandError(f"Not deployed: {reasons}") from exc
        self.stdout.write(
            f"Deployment #{deployment.pk}: {found.repo_id} {chosen.name} on {deployment.runtime}"
        )
        if wait is not None:
            self._wait(deployment, wait)
        self.stdout.write(deployment.gateway_name())

    def _wait(self, deployment: Deployment, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            deployment.refresh_from_db()
            if deployment.state == State.READY:
                return
            if deployment.state == State.FAILED:
                raise CommandError(f"Deployment #{deployment.pk} failed: {deployment.error}")
            if time.monotonic() >= deadline:
                raise CommandError(
                    f"Deployment #{deployment.pk} is not ready after {seconds:g} s "
                    f"(state {deployment.state}); is run_deployments running?"
                )
            time.sleep(0.5)
