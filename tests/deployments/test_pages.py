import json

import pytest
from django.urls import reverse

from models_app.audit.models import AuditAction, AuditEvent
from models_app.deployments.models import Deployment, Desired, Runtime, State, Task
from models_app.deployments.services import deployment_create
from models_app.versions.models import VersionStatus


def create_url(model):
    return reverse("deployments:create", kwargs={"ref": model.uuid})


def detail_url(deployment):
    return reverse("deployments:detail", kwargs={"ref": deployment.model.uuid, "pk": deployment.pk})


def action_url(deployment, action):
    return reverse(
        f"deployments:{action}", kwargs={"ref": deployment.model.uuid, "pk": deployment.pk}
    )


def onnx_form(version, **extra):
    return {
        "version": version.name,
        "runtime": "onnxruntime",
        "file": "",
        "task": "feature-extraction",
        "threads": "1",
        "context_size": "2048",
        "max_concurrency": "1",
        **extra,
    }


def test_an_editor_deploys_and_lands_on_the_deployment_page(
    client_for, editor, model, embedding_version
):
    response = client_for(editor).post(create_url(model), onnx_form(embedding_version))
    deployment = Deployment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(deployment)
    assert deployment.file_path == "model.onnx"
    assert deployment.desired == Desired.RUNNING and deployment.state == State.STARTING
    assert deployment.created_by == editor


def test_deploying_is_audited(client_for, owner, model, embedding_version):
    client_for(owner).post(create_url(model), onnx_form(embedding_version))
    event = AuditEvent.objects.get(action=AuditAction.DEPLOYED)
    assert event.details["version"] == "v1" and event.details["runtime"] == "onnxruntime"


def test_the_form_suggests_the_runtime_from_the_files(client_for, owner, model, embedding_version):
    page = client_for(owner).get(create_url(model)).content.decode()
    assert '<option value="onnxruntime" selected>' in page
    assert '<option value="model.onnx">model.onnx</option>' in page


def test_an_outsider_gets_404_from_the_deploy_form(client_for, outsider, model, embedding_version):
    assert client_for(outsider).get(create_url(model)).status_code == 404
    assert (
        client_for(outsider).post(create_url(model), onnx_form(embedding_version)).status_code
        == 404
    )


def test_a_viewer_gets_403_from_the_deploy_form(client_for, viewer, model, embedding_version):
    assert client_for(viewer).get(create_url(model)).status_code == 403
    response = client_for(viewer).post(create_url(model), onnx_form(embedding_version))
    assert response.status_code == 403
    assert not Deployment.objects.exists()


def test_a_viewer_sees_the_deployment_but_cannot_stop_it(
    client_for, owner, viewer, model, embedding_version
):
    deployment = deployment_create(
        by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME
    )
    client = client_for(viewer)
    assert client.get(detail_url(deployment)).status_code == 200
    assert client.post(action_url(deployment, "stop")).status_code == 403
    assert client.post(action_url(deployment, "delete")).status_code == 403


def test_an_outsider_gets_404_from_the_deployment_page(
    client_for, owner, outsider, model, embedding_version
):
    deployment = deployment_create(
        by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME
    )
    assert client_for(outsider).get(detail_url(deployment)).status_code == 404
    assert client_for(outsider).post(action_url(deployment, "stop")).status_code == 404


def test_the_deployment_page_answers_json(client_for, owner, model, embedding_version):
    deployment = deployment_create(
        by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME
    )
    response = client_for(owner).get(detail_url(deployment), HTTP_ACCEPT="application/json")
    body = json.loads(response.content)
    assert body["state"] == "starting"
    assert body["model"] == f"{model.repo_id}:v1"
    assert body["error"] == ""


def test_the_deployment_page_shows_the_state(client_for, owner, model, embedding_version):
    deployment = deployment_create(
        by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME
    )
    Deployment.objects.filter(pk=deployment.pk).update(
        state=State.FAILED, error="The runner exited with code 1.", log_tail="boom: bad graph"
    )
    page = client_for(owner).get(detail_url(deployment)).content.decode()
    assert 'data-testid="deployment-state">failed<' in page
    assert "The runner exited with code 1." in page and "boom: bad graph" in page


def test_a_file_of_the_wrong_kind_is_refused_next_to_the_field(
    client_for, owner, model, new_version
):
    version = new_version({"weights.gguf": b"GGUF", "model.onnx": b"x", "tokenizer.json": b"{}"})
    response = client_for(owner).post(create_url(model), onnx_form(version, file="weights.gguf"))
    assert response.status_code == 400
    assert "This runtime runs .onnx files." in response.content.decode()
    assert 'data-testid="field-error"' in response.content.decode()


def test_an_onnx_text_task_needs_a_tokenizer(client_for, owner, model, new_version):
    version = new_version({"model.onnx": b"x"})
    response = client_for(owner).post(create_url(model), onnx_form(version))
    assert response.status_code == 400
    assert "tokenizer.json" in response.content.decode()
    assert not Deployment.objects.exists()


def test_an_upstream_outside_the_allowed_networks_is_refused_with_the_reason(
    client_for, owner, model, embedding_version
):
    form = {
        **onnx_form(embedding_version),
        "runtime": "openai",
        "upstream_url": "http://10.20.30.40:8000/v1",
        "upstream_model": "llama",
    }
    response = client_for(owner).post(create_url(model), form)
    page = response.content.decode()
    assert response.status_code == 400
    assert "10.20.30.40" in page and "MODELHUB_UPSTREAM_ALLOWED" in page
    assert not Deployment.objects.exists()


def test_an_upstream_under_an_allowed_prefix_is_accepted(
    client_for, owner, model, embedding_version, settings
):
    settings.MODELHUB_UPSTREAM_ALLOWED = ["http://gpu.example.internal:8000/"]
    form = {
        **onnx_form(embedding_version),
        "runtime": "openai",
        "upstream_url": "http://gpu.example.internal:8000/v1",
        "upstream_model": "llama-70b",
        "upstream_key": "sk-very-secret",
    }
    response = client_for(owner).post(create_url(model), form)
    assert response.status_code == 302
    deployment = Deployment.objects.get()
    assert deployment.upstream_url == "http://gpu.example.internal:8000"


def test_the_upstream_key_is_never_shown_or_recorded(client_for, owner, model, embedding_version):
    form = {
        **onnx_form(embedding_version),
        "runtime": "openai",
        "upstream_url": "http://127.0.0.1:9/v1",
        "upstream_model": "m",
        "upstream_key": "sk-very-secret",
    }
    client = client_for(owner)
    client.post(create_url(model), form)
    deployment = Deployment.objects.get()
    assert "sk-very-secret" not in deployment.upstream_key_encrypted
    page = client.get(detail_url(deployment)).content.decode()
    assert "sk-very-secret" not in page and "stored encrypted" in page
    assert "sk-very-secret" not in json.dumps([e.details for e in AuditEvent.objects.all()])


def test_past_the_local_limit_the_form_refuses_with_a_clear_error(
    client_for, owner, model, embedding_version, settings
):
    settings.MODELHUB_MAX_LOCAL_DEPLOYMENTS = 1
    client = client_for(owner)
    assert client.post(create_url(model), onnx_form(embedding_version)).status_code == 302
    response = client.post(create_url(model), onnx_form(embedding_version))
    assert response.status_code == 400
    assert "MODELHUB_MAX_LOCAL_DEPLOYMENTS" in response.content.decode()
    assert Deployment.objects.count() == 1


def test_a_stopped_deployment_does_not_count_against_the_limit(
    client_for, owner, model, embedding_version, settings
):
    settings.MODELHUB_MAX_LOCAL_DEPLOYMENTS = 1
    client = client_for(owner)
    client.post(create_url(model), onnx_form(embedding_version))
    first = Deployment.objects.get()
    client.post(action_url(first, "stop"))
    assert client.post(create_url(model), onnx_form(embedding_version)).status_code == 302


def test_stop_start_and_delete_change_the_deployment_and_are_audited(
    client_for, owner, model, embedding_version
):
    deployment = deployment_create(
        by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME
    )
    client = client_for(owner)
    assert client.post(action_url(deployment, "stop")).status_code == 302
    deployment.refresh_from_db()
    assert (deployment.desired, deployment.state) == (Desired.STOPPED, State.STOPPED)
    client.post(action_url(deployment, "start"))
    deployment.refresh_from_db()
    assert (deployment.desired, deployment.state) == (Desired.RUNNING, State.STARTING)
    response = client.post(action_url(deployment, "delete"))
    assert response["Location"] == reverse("deployments:tab", kwargs={"ref": model.uuid})
    assert not Deployment.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.DEPLOYMENT_STOPPED,
        AuditAction.DEPLOYMENT_STARTED,
        AuditAction.DEPLOYMENT_DELETED,
    } <= actions


def test_actions_need_post(client_for, owner, model, embedding_version):
    deployment = deployment_create(
        by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME
    )
    assert client_for(owner).get(action_url(deployment, "stop")).status_code == 405


def test_actions_need_the_csrf_token(owner, model, embedding_version):
    from django.test import Client

    deployment = deployment_create(
        by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(action_url(deployment, "stop")).status_code == 403
    deployment.refresh_from_db()
    assert deployment.desired == Desired.RUNNING


def test_redeploy_moves_the_deployment_to_a_newer_version(
    client_for, owner, model, embedding_version, new_version
):
    from tests import tinymodels

    deployment = deployment_create(
        by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME
    )
    newer = new_version(tinymodels.embedding_files())
    response = client_for(owner).post(action_url(deployment, "redeploy"), {"version": newer.name})
    assert response.status_code == 302
    deployment.refresh_from_db()
    assert deployment.version == newer and deployment.state == State.STARTING


def test_the_deployments_tab_lists_the_models_deployments(
    client_for, viewer, owner, model, embedding_version
):
    deployment_create(by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME)
    page = client_for(viewer).get(reverse("deployments:tab", kwargs={"ref": model.uuid}))
    assert page.content.decode().count('data-testid="deployment-row"') == 1


def test_the_deploy_button_replaces_the_placeholder_for_editors(client_for, editor, model):
    page = client_for(editor).get(reverse("catalog:detail", kwargs={"ref": model.uuid}))
    assert create_url(model) in page.content.decode()
    assert "Deployment is not available yet." not in page.content.decode()


@pytest.mark.parametrize("status", [VersionStatus.CREATED, VersionStatus.TRAINING])
def test_the_version_status_is_deployed_while_ready_and_goes_back(
    owner, model, embedding_version, status
):
    from models_app.deployments.services import deployment_stop
    from models_app.deployments.status import version_deployed

    type(embedding_version).objects.filter(pk=embedding_version.pk).update(status=status)
    deployment = deployment_create(
        by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME
    )
    Deployment.objects.filter(pk=deployment.pk).update(
        state=State.READY, base_url="http://127.0.0.1:1"
    )
    version_deployed(deployment)
    embedding_version.refresh_from_db()
    assert embedding_version.status == VersionStatus.DEPLOYED
    deployment.refresh_from_db()
    deployment_stop(deployment, by=owner)
    embedding_version.refresh_from_db()
    assert embedding_version.status == status


def test_the_version_stays_deployed_while_another_deployment_of_it_is_ready(
    owner, model, embedding_version
):
    from models_app.deployments.services import deployment_delete
    from models_app.deployments.status import version_deployed

    first, second = (
        deployment_create(
            by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME
        )
        for _ in range(2)
    )
    for deployment in (first, second):
        Deployment.objects.filter(pk=deployment.pk).update(state=State.READY, base_url="x")
        version_deployed(deployment)
    deployment_delete(first, by=owner)
    embedding_version.refresh_from_db()
    assert embedding_version.status == VersionStatus.DEPLOYED
    deployment_delete(second, by=owner)
    embedding_version.refresh_from_db()
    assert embedding_version.status == VersionStatus.CREATED


def test_a_status_changed_by_hand_while_deployed_is_kept(owner, model, embedding_version):
    from models_app.deployments.services import deployment_stop
    from models_app.deployments.status import version_deployed

    deployment = deployment_create(
        by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME
    )
    Deployment.objects.filter(pk=deployment.pk).update(state=State.READY, base_url="x")
    version_deployed(deployment)
    type(embedding_version).objects.filter(pk=embedding_version.pk).update(
        status=VersionStatus.ARCHIVED
    )
    deployment_stop(deployment, by=owner)
    embedding_version.refresh_from_db()
    assert embedding_version.status == VersionStatus.ARCHIVED


def test_task_choices_are_for_onnx_only(owner, model, new_version):
    from django.core.exceptions import ValidationError

    version = new_version({"model.onnx": b"x", "tokenizer.json": b"{}"})
    with pytest.raises(ValidationError) as refused:
        deployment_create(
            by=owner, model=model, version=version, runtime=Runtime.ONNXRUNTIME, task=Task.CHAT
        )
    assert "task" in refused.value.message_dict


def test_choosing_another_version_lists_that_versions_files(
    client_for, owner, model, embedding_version, new_version
):
    from tests import tinymodels

    new_version({"chat.gguf": tinymodels.gguf_chat_model()})
    page = client_for(owner).get(create_url(model), {"version": "v1"}).content.decode()
    assert '<option value="model.onnx">' in page and "chat.gguf" not in page
    newest = client_for(owner).get(create_url(model)).content.decode()
    assert '<option value="chat.gguf">' in newest
    assert '<option value="llama.cpp" selected>' in newest


def test_a_refused_form_does_not_send_the_upstream_key_back(
    client_for, owner, model, embedding_version
):
    form = {
        **onnx_form(embedding_version),
        "runtime": "openai",
        "upstream_url": "http://10.9.9.9/v1",
        "upstream_model": "m",
        "upstream_key": "sk-typed-secret",
    }
    response = client_for(owner).post(create_url(model), form)
    assert response.status_code == 400
    assert "sk-typed-secret" not in response.content.decode()
