"""The `lora-causal-lm` recipe (run in the training child; needs the `train` extra): LoRA
adapters on a Hugging Face causal language model with transformers + peft on torch, trained
on prompt/completion pairs (the loss on the completion's tokens only). Writes the adapter
(`adapter_config.json`, `adapter_model.safetensors`) and the tokenizer files, and with
`merge` the merged weights too, all in the format `from_pretrained` loads."""

import random

from .datasets import conversation_rows


def _batches(pairs, tokenizer, max_length: int, batch_size: int, rng: random.Random):
    import torch

    while True:
        chosen = [pairs[rng.randrange(len(pairs))] for _ in range(batch_size)]
        rows, labels = [], []
        for prompt, completion in chosen:
            prompt_ids = tokenizer(prompt, add_special_tokens=True)["input_ids"]
            completion_ids = tokenizer(completion, add_special_tokens=False)["input_ids"]
            if tokenizer.eos_token_id is not None:
                completion_ids = completion_ids + [tokenizer.eos_token_id]
            ids = (prompt_ids + completion_ids)[:max_length]
            mask_len = min(len(prompt_ids), len(ids))
            rows.append(ids)
            labels.append([-100] * mask_len + ids[mask_len:])
        width = max(len(r) for r in rows)
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        input_ids = torch.full((len(rows), width), pad, dtype=torch.long)
        attention = torch.zeros((len(rows), width), dtype=torch.long)
        label_ids = torch.full((len(rows), width), -100, dtype=torch.long)
        for i, (ids, lab) in enumerate(zip(rows, labels, strict=True)):
            input_ids[i, : len(ids)] = torch.tensor(ids)
            attention[i, : len(ids)] = 1
            label_ids[i, : len(lab)] = torch.tensor(lab)
        yield {"input_ids": input_ids, "attention_mask": attention, "labels": label_ids}


def train(ctx) -> None:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    params = ctx.params
    torch.manual_seed(params["seed"])
    torch.set_num_threads(max(1, min(4, torch.get_num_threads())))
    pairs = conversation_rows(ctx.dataset, ctx.dataset_name)
    ctx.log(f"{len(pairs)} examples")
    tokenizer = AutoTokenizer.from_pretrained(str(ctx.base_dir))
    if tokenizer.pad_token_id is None and tokenizer.eos_token is not None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(str(ctx.base_dir), torch_dtype=torch.float32)
    config = LoraConfig(
        r=params["lora_r"],
        lora_alpha=params["lora_alpha"],
        lora_dropout=params["lora_dropout"],
        task_type="CAUSAL_LM",
        target_modules="all-linear",
    )
    model = get_peft_model(model, config)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    ctx.log(f"LoRA r={params['lora_r']}: {trainable} trainable parameters")
    optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=params["learning_rate"]
    )
    model.train()
    steps = params["steps"]
    batches = _batches(
        pairs, tokenizer, params["max_length"], params["batch_size"], random.Random(params["seed"])
    )
    loss_value = None
    for step in range(1, steps + 1):
        loss = model(**next(batches)).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        loss_value = float(loss.detach())
        ctx.progress(step, steps, loss_value)
    ctx.report(final_loss=round(loss_value, 6), examples=len(pairs), trainable=trainable)
    ctx.output_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(ctx.output_dir))
    tokenizer.save_pretrained(str(ctx.output_dir))
    if params["merge"]:
        merged_dir = ctx.output_dir / "merged"
        model.merge_and_unload().save_pretrained(str(merged_dir), safe_serialization=True)
        tokenizer.save_pretrained(str(merged_dir))
        ctx.log("wrote the merged weights under merged/")
    ctx.log("wrote the LoRA adapter")
