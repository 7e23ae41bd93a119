import pytest

from models_app.versions.paths import (
    InvalidPath,
    PathConflict,
    normalize_folder,
    normalize_path,
    normalize_paths,
)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("model.bin", "model.bin"),
        ("artifacts/model.bin", "artifacts/model.bin"),
        ("artifacts//model.bin", "artifacts/model.bin"),
        ("./artifacts/./model.bin", "artifacts/model.bin"),
        ("重み/モデル.bin", "重み/モデル.bin"),
        ("cafe\u0301.txt", "café.txt"),
        ("with space/file name.txt", "with space/file name.txt"),
        ("..hidden/..x", "..hidden/..x"),
    ],
)
def test_paths_are_normalised(raw, normal):
    assert normalize_path(raw) == normal


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "/abs.bin",
        "C:/x.bin",
        "a\\b.bin",
        "../x",
        "a/../../x",
        "a/..",
        "dir/",
        "a\x00b",
        "a\tb",
        "a\u202eb",
        "a/ /b",
        "x" * 1025,
    ],
)
def test_bad_paths_are_refused_naming_them(raw):
    with pytest.raises(InvalidPath) as caught:
        normalize_path(raw)
    shown = raw if raw.isprintable() else raw.encode("unicode_escape").decode("ascii")
    assert f"“{shown}”" in str(caught.value)


def test_duplicates_after_normalising_are_refused():
    with pytest.raises(InvalidPath, match="appears twice"):
        normalize_paths(["a/b.bin", "a//b.bin"])


def test_distinct_paths_pass_in_order():
    assert normalize_paths(["b", "a/c"]) == ["b", "a/c"]


@pytest.mark.parametrize(
    ("raw", "folder"), [(None, ""), ("", ""), ("/", ""), ("a", "a/"), ("a/b/", "a/b/")]
)
def test_folders_for_the_browser(raw, folder):
    assert normalize_folder(raw) == folder


@pytest.mark.parametrize("raws", [["a", "a/b"], ["a/b/c", "a"], ["a/b", "a/b/c/d"]])
def test_a_file_that_is_also_a_folder_of_the_upload_is_refused(raws):
    with pytest.raises(PathConflict, match="cannot be both a file and a folder"):
        normalize_paths(raws)


def test_the_clash_names_the_path_under_the_file():
    with pytest.raises(PathConflict) as caught:
        normalize_paths(["a//b", "a"])
    assert str(caught.value).startswith("“a//b”: “a” is also in this upload as a file")


def test_names_sharing_a_prefix_are_no_clash():
    assert normalize_paths(["a", "ab/c", "a.d/e"]) == ["a", "ab/c", "a.d/e"]


def test_a_name_of_255_bytes_passes_and_one_more_is_refused():
    assert normalize_path("dir/" + "名" * 85) == "dir/" + "名" * 85
    with pytest.raises(InvalidPath, match="longer than 255 bytes"):
        normalize_path("dir/" + "名" * 85 + "x")


def test_a_path_over_2048_bytes_is_refused_though_under_1024_characters():
    path = "/".join(["名" * 80] * 9)
    assert len(path) < 1024
    with pytest.raises(InvalidPath, match="longer than 2048 bytes"):
        normalize_path(path)
