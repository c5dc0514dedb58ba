"""Processes end with whoever started them: a read worker stuck in C code dies with its killed caller, and
SIGTERM or SIGINT to the ``python -m nianbao.localmodel beside`` wrapper reaches the app it runs."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nianbao.model import Report
from tests.conftest import ROOT

GONE_WITHIN = 5.0


def hog_the_interpreter(data: bytes, name: str, max_bytes: int) -> Report:
    """A reader stuck in a regular expression that backtracks for ages, never letting another thread run."""
    re.match(r"(a+)+$", "a" * 64 + "b")
    return Report()


KILLED_CALLER = """
import os, signal, sys, time
sys.path.insert(0, sys.argv[1])
from nianbao.readers.guard import ReadGuard
from tests.test_process_lifetimes import hog_the_interpreter
import threading

guard = ReadGuard(start_method="fork", reader=hog_the_interpreter)
threading.Thread(target=guard.read_bytes, args=(b"x", "stuck.txt", 7, 3600), daemon=True).start()
while not guard.worker_pids():
    time.sleep(0.01)
time.sleep(0.5)  # the worker is in the regular expression by now
print(guard.worker_pids()[0], flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def is_gone(pid: int) -> bool:
    try:
        return "\nState:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True


def wait_until(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_worker_stuck_in_c_code_dies_with_its_killed_caller(tmp_path: Path):
    script = tmp_path / "killed_caller.py"
    script.write_text(KILLED_CALLER, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script), str(ROOT)], capture_output=True, text=True, timeout=60)
    assert result.returncode == -signal.SIGKILL, result.stderr
    worker = int(result.stdout.split()[0])
    try:
        assert wait_until(lambda: is_gone(worker), GONE_WITHIN), "the worker outlived its caller"
    finally:
        if not is_gone(worker):
            os.kill(worker, signal.SIGKILL)


APP_STANDING_IN = """
import signal, sys, time
from pathlib import Path
marker = Path(sys.argv[1])
def stop(signum, frame):
    marker.write_text(signal.Signals(signum).name)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
marker.with_suffix(".started").write_text("yes")
while True:
    time.sleep(0.1)
"""


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGINT])
def test_the_beside_wrapper_passes_a_signal_to_the_app_and_waits_for_it(sent: signal.Signals, tmp_path: Path):
    app = tmp_path / "app.py"
    app.write_text(APP_STANDING_IN, encoding="utf-8")
    marker = tmp_path / "stopped"
    wrapper = subprocess.Popen(
        [sys.executable, "-m", "nianbao.localmodel", "beside", "--", sys.executable, str(app), str(marker)],
        env={**os.environ, "NIANBAO_LLM": "offline"},
        start_new_session=True,  # the signal goes to the wrapper alone, as a service manager sends it
    )
    try:
        assert wait_until(marker.with_suffix(".started").exists, 30)
        wrapper.send_signal(sent)
        assert wrapper.wait(timeout=GONE_WITHIN) == 0  # the app's own exit status, once it has stopped
        assert marker.read_text() == sent.name
    finally:
        if wrapper.poll() is None:
            os.killpg(wrapper.pid, signal.SIGKILL)
