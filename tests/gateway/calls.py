"""Gateway requests the tests send through Django's test client."""

import json

from django.test import Client


def embeddings(secret, name):
    """POST /v1/embeddings for model `name` with the bearer `secret`."""
    return Client().post(
        "/v1/embeddings",
        json.dumps({"model": name, "input": "ab"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
