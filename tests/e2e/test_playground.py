"""The playground in a browser: a chat reply streams into the page as the deployment sends
it; and an API endpoint key made on the API tab works with the openai client."""

import pytest
from openai import OpenAI
from playwright.sync_api import expect

from tests.gateway import conftest as gateway_fixtures
from tests.gateway.fake_upstream import STREAMED_WORDS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The fake upstream and its ready deployment, as the gateway tests use them.
upstream = gateway_fixtures.upstream
deploy = gateway_fixtures.deploy


def test_the_playground_streams_a_reply_into_the_page(
    page, sign_in, owner, model, deploy, upstream
):
    deploy(model, "v1")
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/")
    page.get_by_role("link", name="Playground").first.click()
    page.wait_for_url("**/playground/")
    page.get_by_label("System prompt").fill("Be brief.")
    page.get_by_label("Message").fill("Say hello")
    expect(page.get_by_test_id("snippet-curl")).to_contain_text(model.repo_id)
    expect(page.get_by_test_id("snippet-python")).to_contain_text("Say hello")
    page.get_by_test_id("playground-send").click()

    reply = page.get_by_test_id("playground-reply")
    # The first words are on the page while the deployment still holds back the rest.
    expect(reply).to_have_text(STREAMED_WORDS[0])
    assert not upstream.last_chunk_sent.is_set()
    upstream.release.set()
    expect(reply).to_have_text("".join(STREAMED_WORDS))
    expect(page.get_by_test_id("playground-stats")).to_contain_text("Time to first token")
    _path, body, _headers = upstream.requests[-1]
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}


def test_an_endpoint_key_made_on_the_api_tab_works_with_the_openai_client(
    page,
    sign_in,
    owner,
    model,
    deploy,
    live_server,
):
    deploy(model, "v1")
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/")
    page.get_by_role("link", name="API", exact=True).click()
    page.get_by_label("Name").fill("shop")
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_test_id("new-key").text_content()
    assert secret.startswith("mhk_")
    expect(page.get_by_test_id("key-row").filter(has_text="shop")).to_be_visible()

    client = OpenAI(base_url=f"{live_server.url}/v1", api_key=secret, max_retries=0)
    try:
        ids = {entry.id for entry in client.models.list()}
    finally:
        client.close()
    assert model.repo_id in ids


def test_the_playground_compares_two_texts_of_an_embedding_model(
    page, sign_in, owner, model, deploy
):
    from models_app.deployments.models import Runtime, Task

    deploy(model, "v1", runtime=Runtime.ONNXRUNTIME, task=Task.FEATURE_EXTRACTION)
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/playground/")
    page.get_by_label("First text").fill("ab")
    page.get_by_label("Second text").fill("abcd")
    page.get_by_test_id("playground-send").click()
    # The fake runner's vectors: [2, 1, 0.5] and [4, 1, 0.5].
    expect(page.get_by_test_id("playground-reply")).to_have_text("Cosine similarity: 0.9720")


def test_the_playground_shows_the_labels_of_a_classifier(
    page, sign_in, owner, model, deploy, upstream
):
    from models_app.deployments.models import Runtime, Task

    deploy(model, "v1", runtime=Runtime.ONNXRUNTIME, task=Task.TEXT_CLASSIFICATION)
    upstream.infer_answer = [
        {"label": "positive", "score": 0.75},
        {"label": "negative", "score": 0.25},
    ]
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/playground/")
    page.get_by_label("Text").fill("a great movie")
    page.get_by_test_id("playground-send").click()
    expect(page.get_by_test_id("playground-reply")).to_have_text(
        "positive: 0.7500\nnegative: 0.2500"
    )
    expect(page.get_by_test_id("snippet-curl")).to_contain_text(f"/api/inference/{model.repo_id}")
    expect(page.get_by_test_id("snippet-python")).to_contain_text(
        'headers={"Authorization": "Bearer YOUR_ENDPOINT_KEY"},'
    )
