"""What the playground page shows: which pane (chat, embeddings, classification, raw tensors)
the model's newest ready deployment calls for, and for raw ONNX the input signature its form
is generated from. The page's script calls the gateway itself, with the user's session."""

import httpx
from django.urls import reverse

from .models import Deployment, Runtime, Task

PANES = {
    Task.CHAT: "chat",
    Task.FEATURE_EXTRACTION: "embeddings",
    Task.TEXT_CLASSIFICATION: "classification",
    Task.RAW: "raw",
}
SIGNATURE_TIMEOUT = 5.0


def newest_ready_deployment(model):
    return (
        Deployment.objects.ready()
        .filter(model=model)
        .select_related("version")
        .order_by("-created_at", "-id")
        .first()
    )


def input_signature(deployment) -> list[dict] | None:
    """The inputs of a raw ONNX deployment (name, type, shape), read from its local runner."""
    try:
        answer = httpx.get(
            f"{deployment.base_url}/signature", timeout=SIGNATURE_TIMEOUT, trust_env=False
        )
        inputs = answer.json().get("inputs")
    except (httpx.HTTPError, ValueError, AttributeError):
        return None
    if not isinstance(inputs, list):
        return None
    return [
        {"name": str(i.get("name", "")), "type": str(i.get("type", "")), "shape": i.get("shape")}
        for i in inputs
        if isinstance(i, dict)
    ]


def playground_context(request, model) -> dict:
    deployment = newest_ready_deployment(model)
    context = {"deployment": deployment, "pane": None, "signature": None}
    if deployment is None:
        return context
    pane = PANES.get(deployment.task, "chat")
    if deployment.runtime != Runtime.ONNXRUNTIME and pane != "chat":
        pane = "chat"
    context.update(
        pane=pane,
        gateway_model=model.repo_id,
        gateway_base=request.build_absolute_uri("/v1"),
        chat_url=reverse("gateway:chat_completions"),
        embeddings_url=reverse("gateway:embeddings"),
        inference_url=reverse(
            "gateway:inference",
            kwargs={"namespace": model.repo_namespace, "name": model.repo_name},
        ),
        inference_absolute=request.build_absolute_uri(
            reverse(
                "gateway:inference",
                kwargs={"namespace": model.repo_namespace, "name": model.repo_name},
            )
        ),
    )
    if pane == "raw":
        context["signature"] = input_signature(deployment)
    return context
