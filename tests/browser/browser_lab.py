"""Start JupyterLab on a free localhost port and drive it with headless Chromium.

The browser tests (tests/browser/test_widgets_in_browser.py) use three pieces:

- `LabServer`: JupyterLab started the way `python3 run.py lab` starts it (run.py's
  own `quiet_jupyterlab()` settings and its command-line options), run by this
  interpreter (the project's .venv) as a subprocess, on 127.0.0.1, with a random
  token, a fresh config, user-settings and workspaces folder, and a temporary *copy*
  of notebooks/ as its root, so a test never changes the committed notebooks.
  `stop()` always shuts it down.
- `launch_chromium`: Debian's Chromium through Playwright, headless, with a new
  empty profile and networking extras off.
- `LabPage`: what a reader does in JupyterLab (open a notebook, clear and run all
  cells, find a widget by its description, read the text it prints).

Playwright is imported lazily: pytest imports this file for doctests even where
Playwright is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts"

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--no-proxy-server",
    # Belt and braces for "nothing comes from the internet": only local names resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]

# JupyterLab user settings written into the fresh settings folder. Only what a test
# needs: everything a learner sees (no news question, no update check) comes from
# run.py, as with `python3 run.py lab`.
LAB_SETTINGS = {
    # Keep every cell in the DOM, so a widget far down a notebook can be found.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}
NOTIFICATION_PLUGIN = "@jupyterlab/apputils-extension/notification"
# The question JupyterLab 4 asks in a toast unless the setting fetchNews is decided.
NEWS_QUESTION = "Would you like to get notified about official Jupyter news?"


def widget_notebook(root: Path, notebook_name: str, widget_marker: str, left_out, name: str) -> str:
    """A notebook's code cells up to the one holding `widget_marker`, less those whose source
    matches `left_out` (cells that train for minutes or the widget does not need), written to
    `root / name` without outputs; returns `name`."""
    import nbformat

    notebook = nbformat.read(NOTEBOOK_DIR / notebook_name, as_version=4)
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    widget = next(i for i, cell in enumerate(cells) if widget_marker in cell.source)
    kept = [cell for cell in cells[:widget] if not left_out.search(cell.source)]
    assert len(kept) < widget, f"no cell of {notebook_name} was left out: were they renamed?"
    for cell in [*kept, cells[widget]]:
        cell.outputs, cell.execution_count = [], None
    notebook.cells = [*kept, cells[widget]]
    nbformat.write(notebook, root / name)
    return name


def run_py():
    """The repository's run.py, imported as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("minillm_run_py", ROOT / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lab_arguments_of_run_py(root_dir: Path) -> list[str]:
    """What `python3 run.py lab` runs after `python` (e.g. ["-m", "jupyter", "lab", DIR, ...]),
    with `root_dir` as the folder it opens; run.py's settings are written first, as it does."""
    run = run_py()
    if hasattr(run, "quiet_jupyterlab"):
        run.quiet_jupyterlab()  # what run.py's main() does before `lab`
    # run.py builds the command inside lab(): capture it instead of running it.
    captured: list[list[str]] = []
    run.run_in_venv = lambda *args, env=None: captured.append(list(args)) or 0
    run.ROOT = root_dir.parent  # so that ROOT / "notebooks" is root_dir
    run.lab([])
    (arguments,) = captured
    return [str(root_dir) if a == str(root_dir.parent / "notebooks") else a for a in arguments]


def find_chromium() -> str | None:
    """The Chromium executable to drive: $MINILLM_CHROMIUM if set, else /usr/bin/chromium
    or `chromium` on PATH; None if there is none."""
    chosen = os.environ.get("MINILLM_CHROMIUM")
    candidates = [chosen] if chosen else ["/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def playwright_installed() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    >>> 1024 <= free_port() <= 65535
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_local(url: str) -> bool:
    """Whether a URL the page asks for stays on this machine.

    >>> is_local("http://127.0.0.1:8888/lab"), is_local("data:image/png;base64,AA")
    (True, True)
    >>> is_local("https://cdn.jsdelivr.net/npm/x.js")
    False
    """
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.hostname in LOCAL_HOSTS


class LabServer:
    """JupyterLab on 127.0.0.1:<free port> with a token, serving a copy of notebooks/."""

    def __init__(self, notebooks: Path = NOTEBOOK_DIR, startup_timeout: float = 120.0,
                 settings: dict | None = None):
        """`settings`: extra JupyterLab user settings, {"@package/name/plugin": {...}}."""
        self.source = Path(notebooks)
        self.settings = {**LAB_SETTINGS, **(settings or {})}
        self.startup_timeout = startup_timeout
        self.token = secrets.token_hex(16)
        self.tmp = Path(tempfile.mkdtemp(prefix="minillm-lab-"))
        # Mirror the repository layout, so a notebook reading ../data still works.
        self.root_dir = self.tmp / "notebooks"
        self.log_path = self.tmp / "jupyterlab.log"
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lab_url(self, notebook: str, workspace: str) -> str:
        """The URL that opens `notebook` alone, in a new, empty workspace."""
        return (
            f"{self.base_url}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={self.token}"
        )

    def start(self) -> LabServer:
        shutil.copytree(
            self.source, self.root_dir, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
        if (ROOT / "data").is_dir():
            shutil.copytree(ROOT / "data", self.tmp / "data")
        settings = self.tmp / "lab-settings"
        for plugin, values in self.settings.items():
            package, name = plugin.rsplit("/", 1)
            path = settings / package / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(self.tmp / "config"),
            JUPYTER_DATA_DIR=str(self.tmp / "data-dir"),
            JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
            IPYTHONDIR=str(self.tmp / "ipython"),
            PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        )
        like_run_py = lab_arguments_of_run_py(self.root_dir)
        for attempt in range(3):
            self.port = free_port()
            command = [
                sys.executable, *like_run_py,
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root_dir}",
                "--ServerApp.terminals_enabled=False",
                f"--LabApp.user_settings_dir={settings}",
                f"--LabApp.workspaces_dir={self.tmp / 'workspaces'}",
            ]
            if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in command:
                command.append("--allow-root")
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(
                    command, cwd=self.tmp, env=env, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, start_new_session=True,
                )
            if self._wait_until_up():
                return self
            self._kill()
            if attempt == 2:
                break
        raise RuntimeError(f"JupyterLab did not start; its log:\n{self.log_text()[-3000:]}")

    def _wait_until_up(self) -> bool:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False  # exited: e.g. someone took the port meanwhile
            try:
                self.api("GET", "/api/status")
                return True
            except (OSError, urllib.error.URLError):
                time.sleep(0.5)
        return False

    def api(self, method: str, path: str, timeout: float = 10.0):
        """Call Jupyter's REST API with the token; no proxy, localhost only."""
        request = urllib.request.Request(
            self.base_url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Stop every kernel, so the next notebook gets the CPU (and the memory)."""
        try:
            for kernel in self.api("GET", "/api/kernels"):
                self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=30)
        except (OSError, urllib.error.URLError):
            pass

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """Shut JupyterLab down (kernels included) and delete the temporary folder."""
        if self.process is not None and self.process.poll() is None:
            self.shutdown_kernels()
            try:
                self.api("POST", "/api/shutdown")
                self.process.wait(timeout=20)
            except (OSError, urllib.error.URLError, subprocess.TimeoutExpired):
                pass
        self._kill()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _kill(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def launch_chromium(playwright, executable: str):
    """Headless Chromium with a new, empty profile (Playwright makes a temporary one)."""
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


class NetworkGuard:
    """Lets the page talk to 127.0.0.1 only; remembers every other request it blocked."""

    def __init__(self, context):
        self.blocked: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def watch(self, page) -> None:
        """Also note web sockets, which routes do not see (they are allowed, or not, by DNS)."""
        page.on("websocket", self._websocket)

    def _websocket(self, ws) -> None:
        if not is_local(ws.url):
            self.blocked.append(ws.url)


class LabPage:
    """A reader's actions in JupyterLab, on one Playwright page."""

    def __init__(self, page, server: LabServer):
        self.page = page
        self.server = server
        self.started = time.monotonic()
        self.timeline: list[str] = []  # what happened when, printed if a test fails

    def mark(self, event: str) -> None:
        self.timeline.append(f"{time.monotonic() - self.started:6.1f} s  {event}")

    def open_notebook(self, name: str, timeout: float = 90.0) -> None:
        workspace = "t" + secrets.token_hex(4)
        self.page.goto(self.server.lab_url(name, workspace), timeout=timeout * 1000)
        panel = self.page.locator(".jp-NotebookPanel:visible")
        panel.first.wait_for(state="visible", timeout=timeout * 1000)
        # The kernel is connected once the status bar says "Python 3 (ipykernel) | Idle".
        status = self.page.locator(".jp-StatusBar-TextItem").filter(
            has_text=re.compile(r"\| Idle$")
        )
        status.first.wait_for(state="visible", timeout=timeout * 1000)
        self.mark(f"{name} open, kernel idle")

    def menu(self, menu: str, item: str) -> None:
        """Click a main-menu entry, e.g. menu("Run", "Run All Cells")."""
        self.page.locator(".lm-MenuBar-item").filter(
            has_text=re.compile(rf"^{re.escape(menu)}$")
        ).click()
        entry = self.page.locator(".lm-Menu-item:visible").filter(
            has=self.page.locator(
                ".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}$")
            )
        )
        entry.first.click()

    def run_all(self) -> None:
        """Clear old outputs (so nothing stale is on the page), then run every cell."""
        self.menu("Edit", "Clear Outputs of All Cells")
        self.page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output").first.wait_for(
            state="detached", timeout=10_000
        )
        self.menu("Run", "Run All Cells")
        self.mark("Run All Cells clicked")
        # Should JupyterLab still ask which kernel to use, answer as a reader would.
        dialog = self.page.locator(".jp-Dialog").filter(has_text="Select Kernel")
        try:
            dialog.wait_for(state="visible", timeout=2_000)
        except Exception:  # Playwright's TimeoutError: no dialog, the usual case
            return
        dialog.locator(".jp-mod-accept").click()
        self.mark("answered JupyterLab's Select Kernel dialog")

    def control(self, description: str, timeout: float, within=None):
        """The first widget whose description label reads exactly `description`, on the
        page or `within` one cell (notebook 07's explorer and sample widget share labels)."""
        root = within if within is not None else self.page
        exact = re.compile(rf"^\s*{re.escape(description)}\s*$")
        # `has=` is read relative to each candidate widget, so the label comes from the page.
        label = self.page.locator(".widget-label, .widget-label-basic span").filter(
            has_text=exact
        )
        widget = root.locator(".jupyter-widgets.widget-inline-hbox").filter(has=label).first
        deadline = time.monotonic() + timeout
        while not widget.is_visible():
            errors = self.errors()  # a cell above failed: Run All stops there, fail now
            if errors or time.monotonic() > deadline:
                raise AssertionError(
                    f"No widget labelled {description!r} appeared"
                    + (" because a cell failed" if errors else f" within {timeout:.0f} s")
                    + f". Errors the notebook printed: {errors or 'none'}"
                )
            time.sleep(0.5)
        self.mark(f"widget {description!r} visible")
        return widget

    def errors(self) -> list[str]:
        """Tracebacks and other stderr text shown in the open notebook."""
        stderr = self.page.locator(
            ".jp-NotebookPanel:visible [data-mime-type='application/vnd.jupyter.stderr']"
        )
        return [text.strip()[-1500:] for text in stderr.all_inner_texts()]

    def cell_of(self, widget):
        """The notebook cell that holds `widget` (its printed text lives there too)."""
        return self.page.locator(".jp-Notebook .jp-Cell").filter(has=widget).first

    @staticmethod
    def lines(cell) -> list[str]:
        text = "\n".join(cell.locator(".widget-output").all_inner_texts())
        return [line.strip() for line in text.splitlines() if line.strip()]

    def wait_for_line(
        self, cell, pattern: str, timeout: float = 30.0, unlike: str | None = None, accept=None
    ) -> str:
        """The first printed line in `cell` matching `pattern` (and, if given, other than
        `unlike` and one that `accept(match)` approves): waits for the kernel's answer."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen: list[str] = []
        while True:
            seen = self.lines(cell)
            for line in seen:
                match = regex.search(line)
                if match and line != unlike and (accept is None or accept(match)):
                    self.mark(f"printed {line!r}")
                    return line
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"No line matching {pattern!r}" + (f" other than {unlike!r}" if unlike else "")
                    + f" appeared within {timeout:.0f} s; the widget printed: {seen!r}; "
                    + f"the cell reads: {cell.inner_text()[:400]!r}"
                )
            time.sleep(0.2)

    @staticmethod
    def readout(widget) -> str:
        return widget.locator(".widget-readout").inner_text().strip()

    @staticmethod
    def press_on_slider(widget, *keys: str) -> None:
        handle = widget.locator(".noUi-handle").first
        handle.focus()
        for key in keys:
            handle.press(key)
