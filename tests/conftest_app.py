"""Shared by the app tests: one real `app.py` server per pytest run, on a free loopback port.

pytest only collects fixtures from conftest.py, so each app test module defines a
session fixture that calls `app_url(request)`; the server starts on the first call,
is shared by every module, and is stopped (by its own process id) when pytest ends.
"""
from __future__ import annotations

from eval.appserver import AppProcess

_server: "AppServer | None" = None


class AppServer(AppProcess):
    """The app tests' server: the stores built first, output in the build folder's logs."""

    def __init__(self):
        from index import config
        from index.build import ensure_built

        ensure_built(progress=False)  # the stores exist before the app starts (app.py checks again)
        logs = config.build_dir() / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.feedback_file = logs / "feedback.jsonl"  # where the page's likes and dislikes go
        self.feedback_file.unlink(missing_ok=True)
        super().__init__(logs / "app-test-server.log", host="127.0.0.1",
                         env={"SF_FEEDBACK_FILE": str(self.feedback_file)})


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
