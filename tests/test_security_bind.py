"""The app binds to 127.0.0.1 unless told otherwise, also when started as a plain ``streamlit run app.py``.

The project's .streamlit/config.toml sets the address (and headless, no usage statistics); the tests read
Streamlit's effective configuration in the repository, then start the app and look at the socket it listens on.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1 as /proc/net/tcp writes them


def clean_env(home: Path) -> dict[str, str]:
    """The environment without any STREAMLIT_* setting and with an empty home (no user-wide config.toml)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env |= {"HOME": str(home), "NIANBAO_LLM": "offline", "NIANBAO_DATA_DIR": str(home / "data")}
    env["NO_PROXY"] = ",".join(filter(None, [env.get("NO_PROXY"), "127.0.0.1", "localhost"]))
    return env


def effective(option: str, home: Path) -> str:
    code = f"from streamlit import config; print(config.get_option({option!r}))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean_env(home), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("option", "value"),
    [("server.address", "127.0.0.1"), ("server.headless", "True"), ("browser.gatherUsageStats", "False")],
)
def test_the_effective_configuration_in_the_repository(tmp_path, option, value):
    assert effective(option, tmp_path) == value


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as the kernel writes them) with a socket listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


def wait_for_health(port: int, app: subprocess.Popen, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert app.poll() is None, "streamlit exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("streamlit did not answer")


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the kernel's socket table")
def test_a_plain_streamlit_run_listens_on_loopback_only(tmp_path):
    port = free_port()
    command = [str(BIN / "streamlit"), "run", "app.py", "--server.port", str(port)]
    log = (tmp_path / "streamlit.log").open("wb")
    app = subprocess.Popen(command, cwd=ROOT, env=clean_env(tmp_path), stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_health(port, app)
        addresses = listening_addresses(port)
    finally:
        app.terminate()
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()
        log.close()
    assert addresses and addresses <= LOOPBACK, addresses
