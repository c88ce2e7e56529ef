"""No network at run time: an index build from scratch and a set of questions (through `ask` and
the app's API function) make no connection except to loopback.

The work runs in a subprocess whose `sitecustomize` wraps every way Python opens a connection
(socket.connect/connect_ex/sendto, socket.create_connection, getaddrinfo): a non-loopback
attempt is recorded and then refused. Where strace works, the subprocess also runs under
`strace -f -e trace=connect,sendto,sendmsg`, which sees connections made by native code too
(Chroma's Rust core, tokenizers, torch). The test passes only if both records are empty.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"

SITECUSTOMIZE = r'''
"""Test harness: record and refuse every non-loopback connection attempt."""
import errno, json, os, socket

_LOG = os.environ["SF_NET_LOG"]


def _loopback(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").lower()
    return (host in ("localhost", "::1", "0:0:0:0:0:0:0:1", "ip6-localhost")
            or host.startswith("127.") or host.startswith("::ffff:127."))


def _record(kind, target):
    with open(_LOG, "a") as f:
        f.write(json.dumps({"pid": os.getpid(), "kind": kind, "target": repr(target)}) + "\n")


def _guard(sock, address, kind):
    if getattr(sock, "family", None) == getattr(socket, "AF_UNIX", object()):
        return
    host = address[0] if isinstance(address, tuple) else address
    if not _loopback(host):
        _record(kind, address)
        raise OSError(errno.ENETUNREACH, f"network blocked by the test: {kind} {address!r}")


_connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto


def connect(self, address):
    _guard(self, address, "connect")
    return _connect(self, address)


def connect_ex(self, address):
    _guard(self, address, "connect_ex")
    return _connect_ex(self, address)


def sendto(self, data, *args):
    if args:
        _guard(self, args[-1], "sendto")
    return _sendto(self, data, *args)


socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
_getaddrinfo, _create_connection = socket.getaddrinfo, socket.create_connection


def getaddrinfo(host, *args, **kwargs):
    if host is not None and not _loopback(host):
        _record("getaddrinfo", host)
        raise socket.gaierror(socket.EAI_NONAME, f"name lookup blocked by the test: {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


def create_connection(address, *args, **kwargs):
    if not _loopback(address[0]):
        _record("create_connection", address)
        raise OSError(errno.ENETUNREACH, f"network blocked by the test: {address!r}")
    return _create_connection(address, *args, **kwargs)


socket.getaddrinfo, socket.create_connection = getaddrinfo, create_connection
with open(_LOG, "a") as f:
    f.write(json.dumps({"pid": os.getpid(), "kind": "guard-installed"}) + "\n")
'''

WORK = r'''
import json, sys, time
from index.build import ensure_built, read_manifest

report = ensure_built(progress=False)
assert report.built and report.mode == "full", report
from qa import ask

questions = {
    "How much was Leeds awarded for the SEND project?": "£112,268",
    "How many successful family outcomes did Leeds achieve in 2024-25?": "2,102",
    "And in 2023-24?": None,
    "Which 5 authorities achieved the most successful family outcomes in 2024-25?": None,
    "What is Earned Autonomy?": None,
    "What are the average EHSG scores?": None,
    "What was the weather in Leeds in 1850?": None,
}
out, history = [], []
for q, expected in questions.items():
    started = time.perf_counter()
    a = ask(q, history)
    history += [{"role": "user", "content": q}, {"role": "assistant", "content": a.text}]
    out.append({"q": q, "text": a.text, "route": a.route, "expected": expected,
                "seconds": round(time.perf_counter() - started, 2)})
app = {}
if "--app" in sys.argv:
    try:
        import app as web
        web.build_demo()
        app = {"answer": web.api_ask("How much was Leeds awarded for the SEND project?")}
    except Exception as e:
        app = {"error": f"{type(e).__name__}: {e}"}
print("RESULT " + json.dumps({"answers": out, "app": app, "rows": read_manifest()["rows"]}))
'''


def _strace() -> list[str] | None:
    """The strace command line to trace connections with, or None where strace can't run here."""
    strace = shutil.which("strace")
    if not strace:
        return None
    for fast in (["--seccomp-bpf"], []):  # seccomp-bpf: only the traced calls stop the process
        command = [strace, "-f", *fast, "-qq", "-e", "trace=connect,sendto,sendmsg", "-e", "signal=none"]
        probe = subprocess.run([*command, "-o", os.devnull, "true"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return command
    return None


def _guarded_env(tmp_path: Path) -> dict:
    guard = tmp_path / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HF_", "TRANSFORMERS_", "GRADIO_", "CHROMA_", "ANONYMIZED_"))
           and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    # The project must switch every library's network paths off by itself (index.config does).
    env.update(SF_BUILD_DIR=str(tmp_path / "build"), SF_SEEDS_DIR=str(ROOT / "seeds"),
               SF_NET_LOG=str(tmp_path / "net.jsonl"), PYTHONPATH=os.pathsep.join([str(guard), str(ROOT)]))
    return env


def _records(tmp_path: Path) -> tuple[bool, list[dict]]:
    """(guard loaded, non-loopback attempts)."""
    log = tmp_path / "net.jsonl"
    records = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return (any(r["kind"] == "guard-installed" for r in records),
            [r for r in records if r["kind"] != "guard-installed"])


def _native_violations(trace: str) -> list[str]:
    """strace lines connecting or sending to an address that is neither AF_UNIX nor loopback."""
    bad = []
    for line in trace.splitlines():
        if "sa_family=AF_INET" not in line:
            continue  # AF_UNIX, AF_NETLINK and friends are local
        v4 = re.search(r'inet_addr\("([^"]+)"\)', line)
        v6 = re.search(r'inet_pton\(AF_INET6, "([^"]+)"', line)
        address = (v4 or v6).group(1) if (v4 or v6) else "?"
        if not (address.startswith("127.") or address in ("::1", "::ffff:127.0.0.1")):
            bad.append(line.strip())
    return bad


@pytest.mark.slow
def test_build_and_answers_make_no_network_connection(tmp_path):
    (tmp_path / "work.py").write_text(textwrap.dedent(WORK))
    trace_log = tmp_path / "strace.txt"
    env = _guarded_env(tmp_path)
    command = [str(PYTHON if PYTHON.exists() else sys.executable), str(tmp_path / "work.py"), "--app"]
    strace = _strace()
    if strace:
        command = [*strace, "-o", str(trace_log), *command]
    run = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]

    loaded, attempts = _records(tmp_path)
    assert loaded, "the socket guard did not load"
    assert attempts == [], f"non-loopback connection attempts: {attempts}"
    if strace:
        assert _native_violations(trace_log.read_text()) == []

    result = json.loads(next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))[7:])
    assert result["rows"] == 282
    for answer in result["answers"]:
        assert answer["text"], answer
        if answer["expected"]:
            assert answer["expected"] in answer["text"], answer
    if "error" in result["app"]:
        pytest.fail(f"the app did not load offline: {result['app']['error']}")
    assert "£112,268" in result["app"]["answer"]


def test_native_violation_parser():
    trace = "\n".join([
        '1 connect(3, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT',
        '1 connect(5, {sa_family=AF_INET, sin_port=htons(8000), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
        '1 connect(6, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
        'inet_pton(AF_INET6, "2606:4700::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH',
        '1 connect(7, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("18.239.50.1")}, 16) = -1',
    ])
    bad = _native_violations(trace)
    assert len(bad) == 2 and "2606:4700::1" in bad[0] and "18.239.50.1" in bad[1]


def test_the_guard_catches_an_outside_connection(tmp_path):
    """The harness itself: an outside connection attempt is recorded (and refused), loopback is not."""
    script = ("import socket, urllib.request\n"
              "s = socket.socket(); s.settimeout(0.2)\n"
              "try:\n    s.connect(('127.0.0.1', 9))\nexcept OSError:\n    pass\n"
              "for url in ('http://example.org/', 'http://93.184.215.14/'):\n"
              "    try:\n        urllib.request.urlopen(url, timeout=2)\n    except OSError as e:\n        print(e)\n"
              "try:\n    socket.getaddrinfo('example.net', 443)\nexcept OSError as e:\n    print(e)\n"
              "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
              "try:\n    u.sendto(b'x', ('8.8.8.8', 53))\nexcept OSError as e:\n    print(e)\n")
    run = subprocess.run([sys.executable, "-c", script], env=_guarded_env(tmp_path), capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    loaded, attempts = _records(tmp_path)
    assert loaded
    assert [a["kind"] for a in attempts] == ["create_connection", "create_connection", "getaddrinfo", "sendto"]
    assert all(t in a["target"] for t, a in zip(("example.org", "93.184.215.14", "example.net", "8.8.8.8"), attempts))


@pytest.mark.parametrize("text", ["how many outcomes did leeds get in 2024-25", "What is Earned Autonomy?",
                                  "Wave one pathfinder areas are Dorset, Lincolnshire and Wolverhampton.",
                                  "£181,645,127 " * 200])  # the last is cut at 256 tokens by both
def test_numpy_query_encoder_matches_sentence_transformers(text):
    """Questions are encoded without torch (qa/encoder.py); the index was built with sentence-transformers."""
    import numpy as np

    from index.vectors import embeddings
    from qa.encoder import default_encoder

    ours = default_encoder().encode(text)
    theirs = np.asarray(embeddings().embed_query(text))
    assert float(ours @ theirs) > 0.99999
    assert np.abs(ours - theirs).max() < 1e-5


def test_answering_does_not_import_torch(built):
    """Cold start: a text answer needs the packaged weights, not torch or sentence-transformers."""
    code = ("import sys; from qa import ask; a = ask('What is Earned Autonomy?'); "
            "print(a.route, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         cwd=Path(__file__).resolve().parent.parent, env=dict(os.environ))
    assert out.stdout.split() == ["documents", "False", "False"], out.stderr[-2000:]
