"""Text files in: the one UTF-8 reader and atomic write, and the data sets notebook 07 and
`minillm train` name, fetched once into $MINILLM_DATA_DIR and used only if their SHA-256 fits."""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from minillm_helpers.checks import InputError

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "datasets"
CHUNK = 1 << 16  # bytes read from the network at a time


@dataclass(frozen=True)
class Dataset:
    filename: str
    url: str
    sha256: str
    size: int  # bytes


DATASETS = {
    "tinyshakespeare": Dataset(
        filename="tinyshakespeare.txt",
        url="https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
        sha256="86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
        size=1_115_394,  # Tiny Shakespeare: 40,000 lines of his plays (char-rnn, nanoGPT)
    ),
}


def decode_text(raw: bytes, name) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name} is not UTF-8 text (byte 0x{raw[error.start]:02x} at position {error.start} "
            "cannot be decoded): save it as UTF-8, e.g. `iconv -f latin1 -t utf-8`."
        ) from None


def read_text(path) -> str:
    path = Path(path).expanduser()
    if not path.exists():
        raise InputError(f"The file {path} does not exist: pass the path of a UTF-8 text file.")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a text file: pass a UTF-8 text file's path.")
    text = decode_text(path.read_bytes(), path)
    if not text.strip():
        raise InputError(f"The file {path} is empty (or only whitespace): nothing to learn from.")
    return text


class DatasetError(OSError):
    """A data set that cannot be used: not found and not downloadable, or the wrong file."""


def data_dir() -> Path:
    chosen = os.environ.get("MINILLM_DATA_DIR")
    return Path(chosen).expanduser() if chosen else DEFAULT_DATA_DIR


def sha256_of(path) -> str:
    with open(Path(path).expanduser(), "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def atomic_write(path, write) -> None:
    """write(binary file) into a temporary file beside `path`, renamed to `path` once whole:
    readers see the old file or the new one; if `write` raises, nothing is left."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)  # atomic on POSIX and Windows
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def download(url: str, destination, sha256: str, progress: bool = True) -> Path:
    """`url` into `destination` atomically, kept only whole and with SHA-256 `sha256`."""

    def fetch(file) -> None:
        digest = hashlib.sha256()
        with urllib.request.urlopen(url, timeout=30) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, disable=not progress,
                      desc=f"downloading {Path(destination).name}") as bar:
                for chunk in iter(lambda: response.read(CHUNK), b""):
                    file.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
        if total is not None and file.tell() != total:
            raise DatasetError(
                f"The download from {url} stopped after {file.tell():,} of {total:,} bytes; "
                "nothing was kept. Try again."
            )
        if digest.hexdigest() != sha256:
            raise DatasetError(
                f"The file downloaded from {url} is not the expected one (its sha256 is "
                f"{digest.hexdigest()}, expected {sha256}); it was not kept. Try again later."
            )

    atomic_write(destination, fetch)
    return Path(destination)


def dataset_path(name: str, *, folder=None, url: str | None = None, progress: bool = True) -> Path:
    """Data set `name`'s file in `folder` (default data_dir()), checked; fetched from `url`."""
    if name not in DATASETS:
        raise InputError(f"Unknown data set {name!r}: the known ones are {sorted(DATASETS)}.")
    dataset = DATASETS[name]
    path = (data_dir() if folder is None else Path(folder).expanduser()) / dataset.filename
    if path.exists():
        found = sha256_of(path)
        if found != dataset.sha256:
            raise DatasetError(
                f"{path} is not the expected {name} file (its sha256 is {found}, expected "
                f"{dataset.sha256}): delete it to download it again, or replace it with "
                f"the file from {dataset.url}."
            )
        return path
    try:
        return download(url or dataset.url, path, dataset.sha256, progress=progress)
    except OSError as error:  # URLError (no network, no such host), timeouts, a full disk
        if isinstance(error, DatasetError):  # a wrong or cut-short download: said already
            raise
        reason = getattr(error, "reason", None) or error
        raise DatasetError(
            f"{name} is not on this machine and could not be downloaded ({reason}): download "
            f"{dataset.url} yourself and save it as {path} (or set MINILLM_DATA_DIR to the "
            "folder that holds it)."
        ) from None


def data_file(argument: str, **options) -> Path:
    """The file `argument` if it exists, else the data set so named, else the path (to refuse)."""
    path = Path(argument)
    if path.exists() or argument not in DATASETS:
        return path
    return dataset_path(argument, **options)
