"""A local model server started by the app dies with the app, however the app ends; one it found running stays.

The app may be killed with SIGKILL (or by the OOM killer): no atexit runs then, and the server would keep its
1-2 GB and the port. The server is tied to the app by a lifeline (its stdin, a pipe whose write end only the
app holds). These tests start a real app-like process that starts a server through LocalServer, kill it with
SIGKILL and watch the server process. The server is a stand-in: Python's http.server, run through the same
tether as llama-cpp-python's, serving a folder with ``v1/models`` (what LocalServer waits for). The real
server is tested the same way in tests/test_app_local_model.py (make test-local-llm).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao.localmodel import LocalServer, server_log, tethered
from nianbao.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

# The app starts the server from a page run's thread, which ends long before the app does.
APP_SCRIPT = """
import sys, threading
from nianbao.localmodel import LocalServer, tethered
from nianbao.settings import Settings

folder, port = sys.argv[1], int(sys.argv[2])
settings = Settings(NIANBAO_DATA_DIR=folder + "/data", NIANBAO_LOCAL_LLM_PORT=port)
command = tethered("http.server", ["--bind", "127.0.0.1", "--directory", folder, str(port)])
server = LocalServer(settings, command=command)
page_run = threading.Thread(target=server.ensure)
page_run.start()
page_run.join()
print(server.process.pid if server.process else "reused", flush=True)
sys.stdin.read()  # runs until killed
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def running(pid: int) -> bool:
    """The process exists and has not exited (a zombie waiting to be reaped has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def exits_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """What the stand-in server serves: ``v1/models``, as the OpenAI protocol's model list."""
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "models").write_text('{"object": "list", "data": []}')
    return tmp_path


@pytest.fixture
def apps() -> Iterator[list[subprocess.Popen[str]]]:
    """The app-like processes a test starts; any still running are killed after it."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def start_app(apps: list[subprocess.Popen[str]], folder: Path, port: int) -> tuple[subprocess.Popen[str], str]:
    """An app-like process that has started the server on ``port`` (its pid) or found one there ("reused")."""
    process = subprocess.Popen(
        [sys.executable, "-c", APP_SCRIPT, str(folder), str(port)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    apps.append(process)
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line, process.communicate()[1][-2000:]
    return process, line


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)  # no atexit, no signal handler: only the kernel cleans up
    process.wait()


def stand_in(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """A server started by hand (as ``make run`` or a user would): not tied to any app."""
    command = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(folder), str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not answers(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    return process


def test_a_server_the_app_started_dies_when_the_app_is_killed(apps: list[subprocess.Popen[str]], folder: Path) -> None:
    port = free_port()
    app, started = start_app(apps, folder, port)
    pid = int(started)
    try:
        assert running(pid) and answers(port)  # the page run's thread has ended: the server still runs

        kill(app)

        assert exits_within(pid, 30)
        assert not answers(port)
        assert "启动它的进程已退出" in server_log(folder / "data", port).read_text("utf-8")
    finally:
        if running(pid):  # the test failed: leave no server behind
            os.kill(pid, signal.SIGKILL)


def test_a_server_that_was_already_listening_is_reused_and_outlives_the_app(
    apps: list[subprocess.Popen[str]], folder: Path
) -> None:
    port = free_port()
    by_hand = stand_in(folder, port)
    try:
        app, started = start_app(apps, folder, port)
        assert started == "reused"

        kill(app)

        assert not exits_within(by_hand.pid, 2)  # a generous look for a kill that would have come at once
        assert answers(port)
    finally:
        by_hand.terminate()
        by_hand.wait()


def test_a_tethered_server_is_stopped_by_the_app_as_before(folder: Path) -> None:
    port = free_port()
    settings = Settings(NIANBAO_DATA_DIR=folder / "data", NIANBAO_LOCAL_LLM_PORT=port)
    command = tethered("http.server", ["--bind", "127.0.0.1", "--directory", str(folder), str(port)])
    server = LocalServer(settings, command=command)
    server.ensure()
    assert server.process is not None
    pid = server.process.pid
    assert answers(port)
    server.stop()
    assert not running(pid) and not answers(port)
