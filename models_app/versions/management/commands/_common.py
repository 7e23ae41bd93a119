"""What the version commands share: finding a model from the command line, a progress reader."""

import uuid

from django.core.management.base import CommandError

from models_app.catalog.models import AIModel
from models_app.catalog.titles import title_key


def find_model(ref_or_title: str, owner=None) -> AIModel | None:
    """A model by its reference (uuid), else by title (of `owner` when given)."""
    try:
        return AIModel.objects.filter(uuid=uuid.UUID(ref_or_title)).first()
    except ValueError:
        pass
    models = AIModel.objects.filter(title_key=title_key(ref_or_title))
    if owner is not None:
        models = models.filter(owner=owner)
    found = list(models[:2])
    if len(found) > 1:
        raise CommandError(
            f"Several models are titled {ref_or_title!r}; give the model's reference (uuid)."
        )
    return found[0] if found else None


class ProgressReader:
    """A file whose reads advance a tqdm bar. It is opened at its first read and closed at its
    end, so a folder of many files never holds more than one open at a time."""

    def __init__(self, path, bar):
        self.path = path
        self.bar = bar
        self.handle = None
        self.finished = False

    def read(self, size=-1):
        if self.finished:
            return b""
        if self.handle is None:
            self.handle = open(self.path, "rb")  # noqa: SIM115 (closed at EOF or by close())
        data = self.handle.read(size)
        self.bar.update(len(data))
        if not data or size is None or size < 0:
            self.finished = True
            self.close()
        return data

    def close(self):
        if self.handle is not None:
            self.handle.close()
            self.handle = None
