"""A tiny llama model in GGUF with random weights: 2 layers, 64 wide, a vocabulary of the
256 byte tokens, a few words and the three specials. llama.cpp loads and runs it; its
replies are noise. The demo deploys it as a labelled test model and the tests use it, so
the chat path can be exercised without downloading weights."""

import tempfile
from pathlib import Path

import numpy as np

# A tiny llama: 2 layers, 64-wide, a vocabulary of the 256 byte tokens, a few words and the
# three specials, random weights (its replies are noise: it is a test model).
GGUF_WORDS = ["▁hello", "▁world", "▁the", "▁a", "▁is", "▁model", "▁test", "▁tiny"]
CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}</s>"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def gguf_chat_model(seed: int = 0, layers: int = 2, width: int = 64, heads: int = 4) -> bytes:
    import gguf

    rng = np.random.default_rng(seed)
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)] + GGUF_WORDS
    types = (
        [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
        + [gguf.TokenType.BYTE] * 256
        + [gguf.TokenType.NORMAL] * len(GGUF_WORDS)
    )
    scores = [0.0] * 259 + [-float(i) for i in range(len(GGUF_WORDS))]
    vocab, ff = len(tokens), width * 2

    def weight(*shape):
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tiny.gguf"
        writer = gguf.GGUFWriter(str(path), "llama")
        writer.add_name("tiny random-weights test model")
        writer.add_context_length(256)
        writer.add_embedding_length(width)
        writer.add_block_count(layers)
        writer.add_feed_forward_length(ff)
        writer.add_head_count(heads)
        writer.add_head_count_kv(heads)
        writer.add_rope_dimension_count(width // heads)
        writer.add_layer_norm_rms_eps(1e-5)
        writer.add_file_type(gguf.LlamaFileType.ALL_F32)
        writer.add_tokenizer_model("llama")
        writer.add_token_list(tokens)
        writer.add_token_scores(scores)
        writer.add_token_types(types)
        writer.add_bos_token_id(1)
        writer.add_eos_token_id(2)
        writer.add_unk_token_id(0)
        writer.add_add_bos_token(True)
        writer.add_chat_template(CHAT_TEMPLATE)
        writer.add_tensor("token_embd.weight", weight(vocab, width))
        writer.add_tensor("output_norm.weight", np.ones(width, dtype=np.float32))
        writer.add_tensor("output.weight", weight(vocab, width))
        for i in range(layers):
            writer.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(width, dtype=np.float32))
            for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
                writer.add_tensor(f"blk.{i}.{name}.weight", weight(width, width))
            writer.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(width, dtype=np.float32))
            writer.add_tensor(f"blk.{i}.ffn_gate.weight", weight(ff, width))
            writer.add_tensor(f"blk.{i}.ffn_up.weight", weight(ff, width))
            writer.add_tensor(f"blk.{i}.ffn_down.weight", weight(width, ff))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        return path.read_bytes()
