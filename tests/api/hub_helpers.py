"""Models with versions and files for the Hugging Face–compatible routes' tests."""

import io

from models_app.api.services import token_create
from models_app.versions.blobs import HashingReader
from models_app.versions.services import Incoming, files_store, version_create

README = b"---\nlicense: mit\nlanguage: [en, ja]\n---\n# A tiny model\n"


def add_version(model, name, files: dict[str, bytes], by=None):
    version = version_create(model, by=by or model.owner, name=name)
    files_store(
        version,
        [
            Incoming(path=path, source=HashingReader(io.BytesIO(data)))
            for path, data in files.items()
        ],
        by=by or model.owner,
    )
    return version


def bearer(user, scope="read") -> dict:
    _token, secret = token_create(by=user, user=user, name="test", scope=scope, expires_days=30)
    return {"Authorization": f"Bearer {secret}"}
