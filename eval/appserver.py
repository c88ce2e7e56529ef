"""`python app.py` in a subprocess on a free port, for the benchmark and the app tests.

The app is told its host and port through Gradio's own settings (GRADIO_SERVER_NAME/PORT), as a
deployment would; it is ready when /gradio_api/info answers, and is stopped by its own process id.
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
START_TIMEOUT = 300  # seconds: a build from scratch plus loading the model


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class AppProcess:
    """A running app.

    Args:
        log_path: where its output goes.
        host: the interface to serve on (default GRADIO_SERVER_NAME, else 127.0.0.1).
        env: settings for the app on top of this process's environment.
    """

    def __init__(self, log_path: Path, host: str | None = None, env: dict[str, str] | None = None):
        self.host = host or os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
        self.port = free_port(self.host)
        self.url = f"http://{'127.0.0.1' if self.host in ('0.0.0.0', '') else self.host}:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "w")
        env = dict(os.environ, GRADIO_SERVER_NAME=self.host, GRADIO_SERVER_PORT=str(self.port),
                   GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1", **(env or {}))
        started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.perf_counter() - started

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
