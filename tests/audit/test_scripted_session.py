"""Issue 6: after one scripted session through the HTTP API, every audited event has a row."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from models_app.audit.models import AuditAction, AuditEvent
from models_app.catalog.models import AIModel
from models_app.deployments.models import Deployment


def test_a_scripted_session_leaves_a_row_for_every_event(client_for, owner, stranger):
    client = client_for(owner)
    created = client.post(
        "/models/new/", {"title": "audited", "parameter_size": "7B", "ip_whitelist": ""}
    )
    model = AIModel.objects.get(title="audited")
    ref = {"ref": model.uuid}
    version = {"ref": model.uuid, "name": "v1"}
    client.post(
        reverse("catalog:edit", kwargs=ref),
        {"title": "audited", "parameter_size": "13B", "revision": model.revision},
    )
    client.post(reverse("sharing:tab", kwargs=ref), {"email": stranger.email, "role": "viewer"})
    change = reverse("sharing:change", kwargs={**ref, "share": stranger.email})
    client.post(change, {"role": "editor"})
    client.post(change, {"remove": "1"})
    client.post(reverse("sharing:tab", kwargs=ref), {"email": "new@acme.test", "role": "viewer"})
    client.post(
        reverse("sharing:change", kwargs={**ref, "share": "new@acme.test"}), {"remove": "1"}
    )
    client.post(reverse("versions:create", kwargs=ref), {"name": "v1", "status": "created"})
    client.post(reverse("versions:edit", kwargs=version), {"name": "v1", "status": "training"})
    client.post(
        reverse("versions:upload", kwargs=version),
        {"files": SimpleUploadedFile("a.bin", b"weights"), "paths": "a.bin"},
    )
    file_url = reverse("versions:file", kwargs={**version, "path": "a.bin"})
    b"".join(client.get(file_url).streaming_content)
    client.post(reverse("versions:delete_file", kwargs=version), {"path": "a.bin"})
    # Deployments: an upstream needs no files of the version.
    client.post(reverse("versions:create", kwargs=ref), {"name": "v2", "status": "created"})
    client.post(
        reverse("deployments:create", kwargs=ref),
        {
            "version": "v1",
            "runtime": "openai",
            "upstream_url": "http://127.0.0.1:9/v1",
            "upstream_model": "m",
            "threads": "1",
            "context_size": "2048",
            "max_concurrency": "1",
        },
    )
    deployment = {**ref, "pk": Deployment.objects.get(model=model).pk}
    client.post(reverse("deployments:stop", kwargs=deployment))
    client.post(reverse("deployments:start", kwargs=deployment))
    client.post(reverse("deployments:redeploy", kwargs=deployment), {"version": "v2"})
    client.post(reverse("deployments:delete", kwargs=deployment))
    client.post(reverse("versions:delete", kwargs=version))
    AIModel.objects.filter(pk=model.pk).update(ip_allowlist="10.0.0.0/8")
    client.get(reverse("versions:model_download", kwargs=ref), REMOTE_ADDR="192.0.2.1")
    client.post(
        reverse("gateway:endpoint_create", kwargs=ref), {"name": "app", "rate_limit_rpm": "5"}
    )
    key_pk = model.endpoint_keys.values_list("pk", flat=True).get()
    client.post(reverse("gateway:endpoint_revoke", kwargs={**ref, "pk": key_pk}))
    client.post(reverse("catalog:delete", kwargs=ref), {"confirm": "confirm"})

    assert created.status_code == 302
    recorded = set(AuditEvent.objects.filter(model_ref=model.uuid).values_list("action", flat=True))
    # A sign-in lockout is about an account, not a model: tests/accounts/test_sign_in_throttle.py;
    # so are access tokens: tests/api/.
    about_an_account = {
        AuditAction.SIGN_IN_LOCKED_OUT,
        AuditAction.TOKEN_CREATED,
        AuditAction.TOKEN_REVOKED,
        AuditAction.TOKEN_NEW_ADDRESS,
    }
    # Fine-tune jobs need a worker: tests/finetune/test_audit.py.
    about_an_account |= {
        AuditAction.FINETUNE_QUEUED,
        AuditAction.FINETUNE_CANCELLED,
        AuditAction.FINETUNE_FINISHED,
    }
    expected = set(AuditAction.values) - about_an_account
    assert expected - recorded == set()
    assert not AIModel.objects.filter(pk=model.pk).exists()
    assert AuditEvent.objects.filter(model_ref=model.uuid, actor=owner).count() >= len(expected)
