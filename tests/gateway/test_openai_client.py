"""The gateway as the `openai` Python client sees it, against a live server and a fake
OpenAI-compatible upstream registered as a ready deployment."""

import threading

import openai
import pytest

from models_app.deployments.keys import key_revoke
from models_app.deployments.models import Runtime
from tests.factories import AIModelFactory

from .fake_upstream import STREAMED_WORDS
from .waits import recorded_calls


def test_models_lists_the_repo_id_and_each_ready_version(model, deploy, endpoint_key, gateway):
    deploy(model, "v1")
    _key, secret = endpoint_key(model)
    ids = {entry.id for entry in gateway(secret).models.list()}
    assert ids == {model.repo_id, f"{model.repo_id}:v1"}


def test_models_of_a_key_leave_out_the_other_models(owner, model, deploy, endpoint_key, gateway):
    deploy(model, "v1")
    other = AIModelFactory(owner=owner, title="other-model")
    deploy(other, "v1")
    _key, secret = endpoint_key(model)
    assert other.repo_id not in {entry.id for entry in gateway(secret).models.list()}


def test_chat_completion_through_an_upstream(model, deploy, endpoint_key, gateway, upstream):
    deploy(model, "v1")
    _key, secret = endpoint_key(model)
    answer = gateway(secret).chat.completions.create(
        model=model.repo_id, messages=[{"role": "user", "content": "Hi"}]
    )
    assert answer.choices[0].message.content == "Hi there."
    assert answer.model == model.repo_id
    path, body, headers = upstream.requests[-1]
    assert body["model"] == "upstream-chat"
    assert headers["Authorization"] == "Bearer sk-upstream"


def test_streamed_chunks_arrive_before_the_last_is_sent(
    model, deploy, endpoint_key, gateway, upstream
):
    deploy(model, "v1")
    _key, secret = endpoint_key(model)
    stream = gateway(secret).chat.completions.create(
        model=f"{model.repo_id}:v1", messages=[{"role": "user", "content": "Hi"}], stream=True
    )
    first = next(iter(stream))
    assert first.choices[0].delta.content == STREAMED_WORDS[0]
    assert not upstream.last_chunk_sent.is_set()
    upstream.release.set()
    rest = [chunk.choices[0].delta.content for chunk in stream]
    assert "".join([first.choices[0].delta.content, *rest]) == "".join(STREAMED_WORDS)


def test_completions(model, deploy, endpoint_key, gateway):
    deploy(model, "v1")
    _key, secret = endpoint_key(model)
    answer = gateway(secret).completions.create(model=model.repo_id, prompt="Once")
    assert answer.choices[0].text == " once upon a time"


def test_embeddings(model, deploy, endpoint_key, gateway):
    deploy(model, "v1")
    _key, secret = endpoint_key(model)
    answer = gateway(secret).embeddings.create(model=model.repo_id, input=["ab", "abcd"])
    assert [item.embedding[0] for item in answer.data] == [2.0, 4.0]


def test_usage_is_counted_per_key_and_deployment(model, deploy, endpoint_key, gateway, upstream):
    deployment = deploy(model, "v1")
    key, secret = endpoint_key(model)
    client = gateway(secret)
    client.chat.completions.create(model=model.repo_id, messages=[{"role": "user", "content": "x"}])
    upstream.release.set()
    list(
        client.chat.completions.create(
            model=model.repo_id, messages=[{"role": "user", "content": "x"}], stream=True
        )
    )
    calls = recorded_calls(key, 2)
    assert {c.deployment for c in calls} == {deployment}
    assert [(c.status, c.prompt_tokens, c.completion_tokens) for c in calls] == [
        (200, 11, 3),
        (200, 0, len(STREAMED_WORDS)),
    ]


def test_a_revoked_key_is_refused(model, owner, deploy, endpoint_key, gateway):
    deploy(model, "v1")
    key, secret = endpoint_key(model)
    key_revoke(key, by=owner)
    with pytest.raises(openai.AuthenticationError):
        gateway(secret).models.list()


def test_a_key_of_another_model_finds_no_model(owner, model, deploy, endpoint_key, gateway):
    deploy(model, "v1")
    other = AIModelFactory(owner=owner, title="other-model")
    _key, secret = endpoint_key(other)
    with pytest.raises(openai.NotFoundError) as refused:
        gateway(secret).chat.completions.create(
            model=model.repo_id, messages=[{"role": "user", "content": "Hi"}]
        )
    assert refused.value.code == "model_not_found"


def test_the_rate_limit_of_a_key(model, deploy, endpoint_key, gateway):
    deploy(model, "v1")
    _key, secret = endpoint_key(model, rate_limit_rpm=2)
    client = gateway(secret)
    for _ in range(2):
        client.embeddings.create(model=model.repo_id, input="a")
    with pytest.raises(openai.RateLimitError) as refused:
        client.embeddings.create(model=model.repo_id, input="a")
    assert int(refused.value.response.headers["Retry-After"]) >= 1


def test_a_caller_outside_the_allowlist_is_refused(model, deploy, endpoint_key, gateway):
    model.ip_allowlist = "10.0.0.0/8"
    model.save(update_fields=["ip_allowlist"])
    deploy(model, "v1")
    _key, secret = endpoint_key(model)
    with pytest.raises(openai.PermissionDeniedError) as refused:
        gateway(secret).embeddings.create(model=model.repo_id, input="a")
    assert "127.0.0.1" in refused.value.message


def test_an_upstream_that_is_down_gives_503_with_a_message(model, deploy, endpoint_key, gateway):
    deploy(model, "v1", base_url="http://127.0.0.1:9")
    _key, secret = endpoint_key(model)
    with pytest.raises(openai.InternalServerError) as refused:
        gateway(secret).embeddings.create(model=model.repo_id, input="a")
    assert refused.value.status_code == 503
    assert "cannot be reached" in refused.value.message


def test_an_upstream_answering_garbage_gives_502(model, deploy, endpoint_key, gateway, upstream):
    deploy(model, "v1")
    upstream.mode = "garbage"
    _key, secret = endpoint_key(model)
    with pytest.raises(openai.InternalServerError) as refused:
        gateway(secret).embeddings.create(model=model.repo_id, input="a")
    assert refused.value.status_code == 502


def test_an_upstream_outside_the_allowed_addresses_gives_503(
    settings, model, deploy, endpoint_key, gateway
):
    settings.MODELHUB_UPSTREAM_ALLOWED = ["10.0.0.0/8"]
    deploy(model, "v1")
    _key, secret = endpoint_key(model)
    with pytest.raises(openai.InternalServerError) as refused:
        gateway(secret).embeddings.create(model=model.repo_id, input="a")
    assert refused.value.status_code == 503
    assert "MODELHUB_UPSTREAM_ALLOWED" in refused.value.message


def test_a_model_without_ready_deployment_gives_503(model, endpoint_key, gateway):
    _key, secret = endpoint_key(model)
    with pytest.raises(openai.InternalServerError) as refused:
        gateway(secret).embeddings.create(model=model.repo_id, input="a")
    assert refused.value.status_code == 503
    assert "no ready deployment" in refused.value.message


def test_a_personal_token_of_a_viewer_works(model, viewer, deploy, gateway):
    from models_app.api.services import token_create

    deploy(model, "v1")
    _token, secret = token_create(by=viewer, user=viewer, name="t", scope="read", expires_days=None)
    answer = gateway(secret).embeddings.create(model=model.repo_id, input="abc")
    assert answer.data[0].embedding[0] == 3.0


def test_a_personal_token_of_a_stranger_finds_no_model(model, stranger, deploy, gateway):
    from models_app.api.services import token_create

    deploy(model, "v1")
    _token, secret = token_create(
        by=stranger, user=stranger, name="t", scope="read", expires_days=None
    )
    with pytest.raises(openai.NotFoundError):
        gateway(secret).embeddings.create(model=model.repo_id, input="abc")


def test_concurrent_streams_each_get_their_whole_reply(
    model, deploy, endpoint_key, gateway, upstream
):
    deploy(model, "v1", runtime=Runtime.OPENAI)
    _key, secret = endpoint_key(model)
    upstream.release.set()
    replies = []

    def chat():
        stream = gateway(secret).chat.completions.create(
            model=model.repo_id, messages=[{"role": "user", "content": "Hi"}], stream=True
        )
        replies.append("".join(chunk.choices[0].delta.content or "" for chunk in stream))

    threads = [threading.Thread(target=chat) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert replies == ["".join(STREAMED_WORDS)] * 4
