import uuid

from django.core.management.base import BaseCommand, CommandError

from models_app.access.caller import Caller
from models_app.catalog.models import AIModel
from models_app.catalog.repoids import model_pk_for_repo_id

from ...keys import EndpointKeyError, key_create


def find_model(reference: str) -> AIModel:
    """The model of a UUID reference or a repository id (`namespace/name`)."""
    try:
        return AIModel.objects.select_related("owner").get(uuid=uuid.UUID(reference))
    except (ValueError, AIModel.DoesNotExist):
        pass
    namespace, slash, name = reference.partition("/")
    pk = model_pk_for_repo_id(namespace, name) if slash else None
    model = AIModel.objects.select_related("owner").filter(pk=pk).first() if pk else None
    if model is None:
        raise CommandError(f"No model has the reference or repository id {reference!r}.")
    return model


class Command(BaseCommand):
    help = (
        "Creates an API endpoint key for a model (UUID reference or repository id) and prints "
        "it alone on the last line (it is not stored: copy it from there). The key calls the "
        "gateway as the model's owner may."
    )

    def add_arguments(self, parser):
        parser.add_argument("model", help="The model: its UUID reference or repository id.")
        parser.add_argument("--name", required=True, help="What the key is for.")
        parser.add_argument(
            "--rate-limit-rpm", type=int, default=60, help="Requests per minute (default 60)."
        )
        parser.add_argument(
            "--expires-days", type=int, default=None, help="Without it the key never expires."
        )

    def handle(self, *args, model, name, rate_limit_rpm, expires_days, **options):
        target = find_model(model)
        try:
            key, secret = key_create(
                by=Caller(user=None, via="create_endpoint_key"),
                model=target,
                name=name,
                rate_limit_rpm=rate_limit_rpm,
                expires_days=expires_days,
            )
        except EndpointKeyError as exc:
            raise CommandError(exc.message) from exc
        expiry = f"expires {key.expires_at:%Y-%m-%d}" if key.expires_at else "never expires"
        self.stdout.write(
            f"Endpoint key {key.name!r} for {target.repo_id} ({key.rate_limit_rpm}/min, {expiry}):"
        )
        self.stdout.write(secret)
