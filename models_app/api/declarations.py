"""What the API adds to other apps' pages: the Hugging Face client's commands in the "Use
this model" box."""

from models_app.versions.usage import register_usage_snippet

from .usage import from_pretrained_snippet, hf_download_snippet, snapshot_snippet


def declare():
    register_usage_snippet("hf-download", hf_download_snippet)
    register_usage_snippet("hf-python", snapshot_snippet)
    register_usage_snippet("hf-transformers", from_pretrained_snippet)
