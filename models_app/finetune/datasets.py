"""Reading training datasets (CSV or JSONL) line by line, refusing a malformed one at its
first bad line with a message that names it. No Django here: the training child imports it.

A line is read with a bound, so a 100 MB line is refused after reading 1 MB of it, not after
holding it all in memory."""

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

MAX_LINE_BYTES = 1024 * 1024
MAX_ROWS = 1_000_000


class DatasetError(Exception):
    """The dataset cannot be trained on; the message says where and why."""


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with open(path, "rb") as stream:
        number = 0
        while True:
            raw = stream.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE_BYTES:
                raise DatasetError(
                    f"line {number}: longer than {MAX_LINE_BYTES // 1024 // 1024} MB; "
                    "a dataset line must be shorter"
                )
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise DatasetError(f"line {number}: not UTF-8 text") from exc
            if number > MAX_ROWS + 1:
                raise DatasetError(f"line {number}: more than {MAX_ROWS} rows")
            yield number, text


def dataset_format(name: str) -> str:
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if lower.endswith((".csv", ".tsv")):
        return "csv"
    raise DatasetError("the dataset must be a .csv or a .jsonl file")


def _jsonl_records(path: Path) -> Iterator[tuple[int, dict]]:
    for number, text in _lines(path):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"line {number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise DatasetError(f"line {number}: expected a JSON object")
        yield number, record


def _csv_records(path: Path, delimiter: str) -> Iterator[tuple[int, dict]]:
    header: list[str] | None = None
    for number, text in _lines(path):
        if not text.strip():
            continue
        # A quoted newline inside a field is not supported: one record per line keeps the
        # line numbers in messages true.
        fields = next(csv.reader(io.StringIO(text), delimiter=delimiter))
        if header is None:
            header = [field.strip() for field in fields]
            continue
        if len(fields) != len(header):
            raise DatasetError(
                f"line {number}: {len(fields)} fields where the header has {len(header)}"
            )
        yield number, dict(zip(header, fields, strict=True))
    if header is None:
        raise DatasetError("the dataset is empty")


def records(path: Path, name: str) -> Iterator[tuple[int, dict]]:
    kind = dataset_format(name)
    if kind == "jsonl":
        return _jsonl_records(path)
    return _csv_records(path, "\t" if name.lower().endswith(".tsv") else ",")


def classification_rows(path: Path, name: str) -> tuple[list[str], list[str]]:
    """(texts, labels) of a `text,label` dataset. Labels are strings or integers."""
    texts, labels = [], []
    for number, record in records(path, name):
        for column in ("text", "label"):
            if column not in record:
                raise DatasetError(f'line {number}: no "{column}" column')
        text, label = record["text"], record["label"]
        if not isinstance(text, str) or not text.strip():
            raise DatasetError(f'line {number}: "text" must be a non-empty string')
        if isinstance(label, bool) or not isinstance(label, str | int):
            raise DatasetError(
                f'line {number}: "label" must be a string or an integer, not {type(label).__name__}'
            )
        label = str(label).strip()
        if not label:
            raise DatasetError(f'line {number}: "label" is empty')
        texts.append(text)
        labels.append(label)
    if not texts:
        raise DatasetError("the dataset has no rows")
    if len(set(labels)) < 2:
        raise DatasetError("the dataset needs at least two different labels")
    return texts, labels


def conversation_rows(path: Path, name: str) -> list[tuple[str, str]]:
    """(prompt, completion) pairs of a JSONL of {"prompt", "completion"} or chat
    {"messages": [{"role", "content"}, …]} (the last assistant turn is the completion)."""
    if dataset_format(name) != "jsonl":
        raise DatasetError("this recipe reads a .jsonl dataset")
    pairs = []
    for number, record in records(path, name):
        if "messages" in record:
            messages = record["messages"]
            if not isinstance(messages, list) or not messages:
                raise DatasetError(f'line {number}: "messages" must be a non-empty list')
            turns = []
            for message in messages:
                if not isinstance(message, dict) or not isinstance(message.get("content"), str):
                    raise DatasetError(f"line {number}: each message needs a string content")
                turns.append((str(message.get("role", "user")), message["content"]))
            if turns[-1][0] != "assistant":
                raise DatasetError(f"line {number}: the last message must be the assistant's")
            prompt = "".join(f"{role}: {content}\n" for role, content in turns[:-1])
            pairs.append((prompt + "assistant: ", turns[-1][1]))
        elif "prompt" in record and "completion" in record:
            prompt, completion = record["prompt"], record["completion"]
            if not isinstance(prompt, str) or not isinstance(completion, str):
                raise DatasetError(f'line {number}: "prompt" and "completion" must be strings')
            pairs.append((prompt, completion))
        else:
            raise DatasetError(f'line {number}: needs "prompt" and "completion", or "messages"')
    if not pairs:
        raise DatasetError("the dataset has no rows")
    return pairs


def count_rows(path: Path, name: str) -> int:
    return sum(1 for _ in records(path, name))
