"""Shared by the app tests: one real `app.py` server per pytest run, on a free loopback port.

pytest only collects fixtures from conftest.py, so each app test module defines a
session fixture that calls `app_url(request)`; the server starts on the first call,
is shared by every module, and is stopped (by its own process id) when pytest ends.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 180  # seconds: a build from scratch plus loading the model
_server: "AppServer | None" = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`python app.py` in a subprocess; `url` once it answers."""

    def __init__(self):
        from index import config
        from index.build import ensure_built

        ensure_built(progress=False)  # the stores exist before the app starts (app.py checks again)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        logs = config.build_dir() / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.log_path = logs / "app-test-server.log"
        self._log = open(self.log_path, "w")
        env = dict(os.environ, GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=str(self.port), GRADIO_ANALYTICS_ENABLED="False",
                   PYTHONUNBUFFERED="1")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - self.started

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app.py exited with code {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/gradio_api/info", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
        raise TimeoutError(f"app.py not ready after {START_TIMEOUT}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._log.close()


def app_server(request) -> AppServer:
    """The one server for this pytest run, started on first use and stopped when pytest finishes."""
    global _server
    if _server is None:
        _server = AppServer()
        request.config.add_cleanup(_stop_server)
    return _server


def _stop_server() -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None
