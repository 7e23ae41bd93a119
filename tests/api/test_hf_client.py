"""The real Hugging Face client against a live test server."""

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

from models_app.api.services import token_create, token_revoke

pytestmark = pytest.mark.django_db(transaction=True)


def test_whoami_with_the_hugging_face_client(live_server, owner):
    _token, secret = token_create(
        by=owner, user=owner, name="laptop", scope="write", expires_days=30
    )
    me = HfApi(endpoint=live_server.url, token=secret).whoami()
    assert me["name"] == "owner"
    assert me["email"] == owner.email
    assert me["auth"]["accessToken"]["role"] == "write"
    assert me["auth"]["accessToken"]["displayName"] == "laptop"


def test_a_revoked_token_is_refused_by_the_client(live_server, owner):
    token, secret = token_create(by=owner, user=owner, name="old", scope="read", expires_days=30)
    token_revoke(token, by=owner)
    with pytest.raises(HfHubHTTPError) as refused:
        HfApi(endpoint=live_server.url, token=secret).whoami()
    assert refused.value.response.status_code == 401
