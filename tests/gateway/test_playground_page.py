"""The playground page: the pane the deployment calls for, or an offer to deploy."""


def playground(client, model):
    return client.get(f"/models/{model.uuid}/playground/")


def test_without_a_ready_deployment_the_playground_offers_to_deploy(client_for, editor, model):
    response = playground(client_for(editor), model)
    assert response.status_code == 200
    assert 'data-testid="playground-not-deployed"' in response.content.decode()


def test_a_chat_deployment_gets_the_chat_pane(client_for, viewer, model, deploy):
    deploy(model, "v1")
    page = playground(client_for(viewer), model).content.decode()
    assert 'data-pane="chat"' in page and 'id="pg-system"' in page
    assert "js/playground.js" in page


def test_an_outsider_does_not_find_the_playground(client_for, outsider, model):
    assert playground(client_for(outsider), model).status_code == 404


def test_a_raw_onnx_deployment_gets_a_form_from_its_input_signature(
    client_for, viewer, model, deploy
):
    from models_app.deployments.models import Runtime, Task

    deploy(model, "v1", runtime=Runtime.ONNXRUNTIME, task=Task.RAW)
    page = playground(client_for(viewer), model).content.decode()
    assert 'data-pane="raw"' in page
    assert 'data-input-name="x"' in page and "tensor(float)" in page
