"""A file in any multipart body is received under a temporary name of the server's own."""

import io

from models_app.versions.models import ModelVersion


def test_a_large_file_with_a_very_long_extension_does_not_break_a_form(client_for, owner, model):
    # Bigger than FILE_UPLOAD_MAX_MEMORY_SIZE, so Django spills it to a temporary file; its
    # name once took the client's extension and failed with "File name too long" (a 500).
    attachment = io.BytesIO(b"\0" * (3 * 1024**2))
    attachment.name = "notes." + "x" * 300
    response = client_for(owner).post(
        f"/models/{model.uuid}/versions/new/",
        {"name": "v1", "status": "created", "attachment": attachment},
    )
    assert response.status_code == 302
    assert ModelVersion.objects.filter(model=model, name="v1").exists()
