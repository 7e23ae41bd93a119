"""Usage figures: per deployment on its page, per key on the API tab."""

from models_app.deployments.usage import deployment_usage, percentile, record_call


def test_percentiles_are_nearest_rank():
    latencies = list(range(1, 101))
    assert (percentile(latencies, 0.5), percentile(latencies, 0.95)) == (50, 95)
    assert percentile([], 0.5) is None


def test_figures_of_a_deployment(model, deploy, endpoint_key):
    deployment = deploy(model, "v1")
    key, _secret = endpoint_key(model)
    for latency in (10, 20, 30):
        record_call(
            deployment=deployment,
            key=key,
            status=200,
            prompt_tokens=5,
            completion_tokens=2,
            latency_ms=latency,
        )
    record_call(deployment=deployment, key=None, status=502, latency_ms=40)
    usage = deployment_usage(deployment)
    assert (usage.requests, usage.errors, usage.prompt_tokens, usage.completion_tokens) == (
        4,
        1,
        15,
        6,
    )
    assert (usage.latency_p50_ms, usage.latency_p95_ms) == (20, 40)


def test_the_deployment_page_shows_its_usage(client_for, owner, model, deploy, usage_recording):
    deployment = deploy(model, "v1")
    record_call(deployment=deployment, key=None, status=200, prompt_tokens=9, latency_ms=12)
    page = client_for(owner).get(f"/models/{model.uuid}/deployments/{deployment.pk}/")
    html = page.content.decode()
    assert 'data-testid="deployment-usage"' in html
    assert '<dd data-usage="prompt-tokens">9</dd>' in html


def test_the_api_tab_shows_each_keys_requests(
    client_for, owner, model, deploy, endpoint_key, usage_recording
):
    deployment = deploy(model, "v1")
    key, _secret = endpoint_key(model, name="shop")
    record_call(deployment=deployment, key=key, status=429)
    html = client_for(owner).get(f"/models/{model.uuid}/endpoints/").content.decode()
    row = html.split('data-key-name="shop"')[1].split("</tr>")[0]
    assert "<td>1</td>" in row
