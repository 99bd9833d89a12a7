"""Text files in, text out: the one UTF-8 reader, and the data sets notebook 07 and
`minillm train` can name, fetched once.

`read_text(path)` (and `decode_text(raw, name)` for uploaded bytes) gives every reader
the same clear errors: a missing file, a folder, bytes that are not UTF-8, nothing but
whitespace. `sha256_of(path)` is a file's fingerprint, and `atomic_write` the one way
this package writes a file (a data set, a checkpoint): whole, or not at all.

A data set is a file known by its name, size and SHA-256 checksum. `dataset_path(name)`
returns where it lies on this machine, fetching it first if it is not there yet:

- it looks in `$MINILLM_DATA_DIR`, or else in `data/datasets/` of this project
  (git-ignored: the text is never committed);
- a file already there is used only if its checksum is the expected one;
- a missing file is downloaded from its public source with a progress bar, into a
  temporary file in the same folder that is renamed into place only once its checksum
  is right; a wrong or interrupted download leaves nothing behind;
- offline, the error says in one line where to put the file by hand.

>>> sorted(DATASETS)
['tinyshakespeare']
>>> DATASETS["tinyshakespeare"].size
1115394
"""

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
    """A text file known by name: where it comes from and how to recognise it."""

    filename: str
    url: str
    sha256: str
    size: int  # bytes
    about: str


DATASETS = {
    "tinyshakespeare": Dataset(
        filename="tinyshakespeare.txt",
        url="https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
        sha256="86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
        size=1_115_394,
        about="Tiny Shakespeare: 40,000 lines of his plays in one file (char-rnn, nanoGPT)",
    ),
}


def decode_text(raw: bytes, name) -> str:
    """`raw` as UTF-8 text; a ValueError that says which byte is not, and how to fix it."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name} is not UTF-8 text (byte 0x{raw[error.start]:02x} at position {error.start} "
            "cannot be decoded): save it as UTF-8, e.g. `iconv -f latin1 -t utf-8`."
        ) from None


def read_text(path) -> str:
    """The file's text; clear errors for missing, empty or non-UTF-8 files."""
    path = Path(path).expanduser()
    if not path.exists():
        raise InputError(f"The file {path} does not exist: pass the path of a UTF-8 text file.")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a text file: pass a UTF-8 text file's path.")
    text = decode_text(path.read_bytes(), path)
    if not text.strip():
        raise InputError(
            f"The file {path} is empty (or only whitespace): there is nothing to learn from."
        )
    return text


class DatasetError(OSError):
    """A data set that cannot be used: not found and not downloadable, or the wrong file."""


def data_dir() -> Path:
    """The folder data sets live in: $MINILLM_DATA_DIR if set, else data/datasets/."""
    chosen = os.environ.get("MINILLM_DATA_DIR")
    return Path(chosen).expanduser() if chosen else DEFAULT_DATA_DIR


def sha256_of(path) -> str:
    """The SHA-256 checksum of a file, as 64 hexadecimal digits."""
    digest = hashlib.sha256()
    with open(Path(path).expanduser(), "rb") as file:
        for chunk in iter(lambda: file.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def lookup(name: str) -> Dataset:
    """The Dataset called `name`; a ValueError listing the known names otherwise."""
    if name not in DATASETS:
        raise InputError(f"Unknown data set {name!r}: the known ones are {sorted(DATASETS)}.")
    return DATASETS[name]


def atomic_write(path, write) -> None:
    """Call write(binary_file) on a temporary file beside `path`, then rename it to `path`:
    readers see the old file or the whole new one, never half of it. If `write` raises
    (a wrong checksum, a dropped connection, Ctrl-C), the temporary file is deleted."""
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
    """Fetch `url` into `destination`, atomically; refuse it unless its checksum is `sha256`
    (hashed on the way, so only a complete file with the right checksum appears)."""

    def fetch(file) -> None:
        digest, received = hashlib.sha256(), 0
        with urllib.request.urlopen(url, timeout=30) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, disable=not progress,
                      desc=f"downloading {Path(destination).name}") as bar:
                for chunk in iter(lambda: response.read(CHUNK), b""):
                    file.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
        if total is not None and received != total:
            raise DatasetError(
                f"The download from {url} stopped after {received:,} of {total:,} bytes; "
                "nothing was kept. Try again."
            )
        if digest.hexdigest() != sha256:
            raise DatasetError(
                f"The file downloaded from {url} is not the expected one (its sha256 is "
                f"{digest.hexdigest()}, expected {sha256}); it was not kept. Try again later."
            )

    atomic_write(destination, fetch)
    return Path(destination)


def dataset_path(name: str, *, folder=None, url: str | None = None,
                 progress: bool = True) -> Path:
    """The path of data set `name` on this machine, downloaded and checked if needed.

    `folder` overrides data_dir(); `url` overrides the data set's source (tests
    use a local one).
    """
    dataset = lookup(name)
    path = Path(folder).expanduser() if folder is not None else data_dir()
    path = path / dataset.filename
    if path.exists():
        found = sha256_of(path)
        if found != dataset.sha256:
            raise DatasetError(
                f"{path} is not the expected {name} file (its sha256 is {found}, expected "
                f"{dataset.sha256}): delete it to download it again, or replace it with "
                f"the file from {dataset.url}."
            )
        return path
    source = url or dataset.url
    try:
        return download(source, path, dataset.sha256, progress=progress)
    except OSError as error:  # URLError (no network, no such host), timeouts, a full disk
        if isinstance(error, DatasetError):
            raise
        reason = getattr(error, "reason", None) or error
        raise DatasetError(
            f"{name} is not on this machine and could not be downloaded ({reason}): download "
            f"{dataset.url} yourself and save it as {path} (or set MINILLM_DATA_DIR to the "
            "folder that holds it)."
        ) from None


def load_dataset(name: str, **options) -> str:
    """The text of data set `name` (see dataset_path for `options`)."""
    return read_text(dataset_path(name, **options))


def data_file(argument: str, **options) -> Path:
    """What `minillm train ARGUMENT` reads: the file ARGUMENT if it exists, else the data
    set of that name (downloaded if needed), else the path as given (for its error).

    >>> data_file("no/such/file.txt").name
    'file.txt'
    """
    path = Path(argument)
    if path.exists() or argument not in DATASETS:
        return path
    return dataset_path(argument, **options)
