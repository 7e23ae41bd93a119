"""A model's parameter count read from its newest version's weight files (issue 11): each
safetensors or GGUF file's count is read from its header when it is stored, and the model's
size is filled from them while nobody has typed one.

Which files add up: shards of one file (`model-00001-of-00004.safetensors`) are summed;
files side by side in one folder are alternatives (`model.safetensors` and
`model.fp16.safetensors`, or GGUF files of several quantisations), of which the largest
counts; the folders of a pipeline (`unet/`, `text_encoder/`) are summed. safetensors files
win over GGUF files when a version holds both (the GGUF is then usually a conversion).
"""

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import partial

from django.db.models import Q

from models_app.catalog.models import AIModel
from models_app.catalog.parameters import MAX_PARAMETERS

from . import blobs
from .headers import UnreadableHeader, read_header, weights_format

logger = logging.getLogger("modelhub.versions")

_SHARD = re.compile(r"-\d+-of-\d+(?=\.[^.]+$)")


def stored_parameter_count(key: str, path: str, size: int) -> int | None:
    """The parameter count in the header of the stored weight file `key`, or None when
    `path` is no weight file or its header cannot be read (the upload stands either way)."""
    if weights_format(path) is None:
        return None
    try:
        return read_header(path, partial(blobs.read_range, key), size).parameters
    except UnreadableHeader as exc:
        logger.info("no parameter count from %s: %s", path, exc)
    except Exception:
        logger.exception("could not read the header of %s (%s)", path, key)
    return None


def files_parameter_count(files: Iterable[tuple[str, int]]) -> int | None:
    """The parameter count of a version from its files' (path, count), as the module's
    docstring says; None when none of them is a weight file with a count."""
    counts: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for path, count in files:
        suffix = weights_format(path)
        if suffix is None or not count:
            continue
        folder, _slash, name = path.rpartition("/")
        counts[suffix][folder][_SHARD.sub("", name.lower())] += count
    chosen = counts.get(".safetensors") or counts.get(".gguf")
    if not chosen:
        return None
    return sum(max(groups.values()) for groups in chosen.values())


def model_fill_parameter_count(version) -> None:
    """Sets the model's parameter count from `version`'s files (the newest version) unless
    someone typed it. Runs inside the transaction that changed the files, with the model
    row locked."""
    count = files_parameter_count(
        version.files.filter(parameter_count__isnull=False).values_list("path", "parameter_count")
    )
    if count is None or not 0 < count <= MAX_PARAMETERS:
        return
    AIModel.objects.filter(pk=version.model_id).filter(
        Q(parameter_count__isnull=True) | Q(parameter_count_from_files=True)
    ).update(parameter_count=count, parameter_count_from_files=True)
