from django.db import migrations

KNOWN = [
    "GPT-4", "GPT-3.5", "LLaMA", "Llama-2-7B", "Llama-2-13B", "Meta-Llama-3-8B-Instruct",
    "Meta-Llama-3-70B-Instruct", "Qwen2-7B-Instruct", "Qwen2-72B-Instruct", "Mistral-7B-v0.1",
    "Mixtral-8x7B-Instruct", "Gemma-2-9B", "Phi-3-mini", "BERT-base", "RoBERTa-large",
    "T5-base", "Whisper-large-v3", "Stable Diffusion XL", "ResNet-50", "EfficientNet-B0",
]


def add_known(apps, schema_editor):
    BaseModel = apps.get_model("catalog", "BaseModel")
    for name in KNOWN:
        BaseModel.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(add_known, migrations.RunPython.noop)]
