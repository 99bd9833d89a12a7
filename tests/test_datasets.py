"""The data set helper: found, fetched, checked, never half-written. No test touches the
internet: the "public source" is a local file:// URL or a tiny server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import http.server
import socket
import threading
from pathlib import Path

import pytest

from minillm_helpers import datasets
from minillm_helpers.datasets import (
    DATASETS,
    Dataset,
    DatasetError,
    data_dir,
    data_file,
    dataset_path,
    download,
)

TEXT = "First Citizen:\nBefore we proceed any further, hear me speak.\n" * 50
DIGEST = hashlib.sha256(TEXT.encode()).hexdigest()


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    """A small registered data set whose "public source" is a local file."""
    source = tmp_path / "source" / "tiny.txt"
    source.parent.mkdir()
    source.write_text(TEXT)
    dataset = Dataset("tiny.txt", source.as_uri(), DIGEST, len(TEXT))
    monkeypatch.setitem(DATASETS, "tiny", dataset)
    return dataset


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def server():
    """A local HTTP server; `server.body` is what it sends, `server.claimed` the length it
    announces (more than the body: the connection drops half-way)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(Handler.claimed or len(Handler.body)))
            self.end_headers()
            self.wfile.write(Handler.body)

        def log_message(self, *args):
            pass

    Handler.body, Handler.claimed = TEXT.encode(), None
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.url = f"http://127.0.0.1:{httpd.server_address[1]}/tiny.txt"
    try:
        yield Handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/tinyshakespeare.txt"  # nothing listens there now


def test_tiny_shakespeare_is_registered_with_its_checksum():
    dataset = DATASETS["tinyshakespeare"]
    assert dataset.sha256 == "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
    assert dataset.size == 1_115_394
    assert dataset.url.startswith("https://raw.githubusercontent.com/karpathy/")


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MINILLM_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.delenv("MINILLM_DATA_DIR")
    assert data_dir() == datasets.DEFAULT_DATA_DIR
    assert datasets.DEFAULT_DATA_DIR.parts[-2:] == ("data", "datasets")


def test_default_folder_is_git_ignored():
    root = Path(__file__).resolve().parents[1]
    ignored = (root / ".gitignore").read_text().split()
    assert "/data/datasets/" in ignored


def test_missing_file_is_downloaded_once_then_reused(tiny, tmp_path):
    folder = tmp_path / "data"
    path = dataset_path("tiny", folder=folder, progress=False)
    assert path == folder / "tiny.txt" and path.read_text() == TEXT
    assert leftovers(folder) == ["tiny.txt"]  # no temporary file left behind
    Path(tiny.url.removeprefix("file://")).unlink()  # the source is gone: the copy is used
    assert dataset_path("tiny", folder=folder, progress=False).read_text() == TEXT


def test_environment_folder_is_used(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("MINILLM_DATA_DIR", str(tmp_path / "env"))
    assert dataset_path("tiny", progress=False) == tmp_path / "env" / "tiny.txt"


def test_download_over_http_with_a_progress_bar(tiny, tmp_path, server, capsys):
    path = dataset_path("tiny", folder=tmp_path, url=server.url, progress=True)
    assert path.read_text() == TEXT
    assert "downloading tiny.txt" in capsys.readouterr().err  # tqdm writes to stderr


def test_checksum_mismatch_is_refused_and_not_kept(tiny, tmp_path, server):
    server.body = TEXT.replace("speak", "sing").encode()
    with pytest.raises(DatasetError, match="not the expected one.*it was not kept"):
        dataset_path("tiny", folder=tmp_path / "data", url=server.url, progress=False)
    assert leftovers(tmp_path / "data") == []


def test_a_wrong_file_already_there_is_refused(tiny, tmp_path):
    (tmp_path / "tiny.txt").write_text("not Shakespeare")
    with pytest.raises(DatasetError, match=r"tiny.txt is not the expected tiny file.*delete it"):
        dataset_path("tiny", folder=tmp_path, progress=False)


def test_dropped_connection_leaves_no_partial_file(tiny, tmp_path, server):
    server.claimed = len(server.body)  # announces the whole file...
    server.body = server.body[: len(server.body) // 2]  # ...sends half, then hangs up
    with pytest.raises(DatasetError, match="stopped after 1,525 of 3,050 bytes"):
        dataset_path("tiny", folder=tmp_path / "data", url=server.url, progress=False)
    assert leftovers(tmp_path / "data") == []


def test_ctrl_c_during_download_leaves_no_partial_file(tiny, tmp_path, monkeypatch):
    class InterruptedBar:
        def __init__(self, *args, **kwargs):
            self.calls = 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, n):
            raise KeyboardInterrupt  # the reader presses Ctrl-C after the first chunk

    monkeypatch.setattr(datasets, "tqdm", InterruptedBar)
    with pytest.raises(KeyboardInterrupt):
        download(tiny.url, tmp_path / "data" / "tiny.txt", DIGEST)
    assert leftovers(tmp_path / "data") == []


def test_offline_message_is_one_line_saying_where_to_put_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("MINILLM_DATA_DIR", str(tmp_path))
    with pytest.raises(DatasetError) as raised:
        dataset_path("tinyshakespeare", url=closed_port_url(), progress=False)
    message = str(raised.value)
    assert "\n" not in message
    assert "could not be downloaded" in message
    assert f"save it as {tmp_path / 'tinyshakespeare.txt'}" in message
    assert DATASETS["tinyshakespeare"].url in message and "MINILLM_DATA_DIR" in message
    assert leftovers(tmp_path) == []


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"Unknown data set 'shakespeare'.*'tinyshakespeare'"):
        dataset_path("shakespeare")


def test_data_file_prefers_an_existing_path(tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MINILLM_DATA_DIR", str(tmp_path / "sets"))
    assert data_file("tiny", progress=False) == tmp_path / "sets" / "tiny.txt"  # a name
    Path("tiny").write_text("my own file called tiny")
    assert data_file("tiny") == Path("tiny")  # a file of that name wins
    assert data_file("book.txt") == Path("book.txt")  # neither: left for the caller's error


def test_the_real_file_when_present_is_tiny_shakespeare():
    """Runs where the file is already on this machine (CI seeds it); never downloads."""
    path = data_dir() / "tinyshakespeare.txt"
    if not path.exists():
        pytest.skip(f"{path} is not here (this test never downloads)")
    text = dataset_path("tinyshakespeare", progress=False).read_text(encoding="utf-8")
    assert len(text.encode()) == 1_115_394 and text.startswith("First Citizen:")
    assert len(set(text)) == 65
