"""A time limit per file: a report is read in a worker process, which is killed when it overruns.

The readers bound their work by size and element caps, and the PDF reader checks a deadline between
pages; but a pathology inside C code (lxml, a regular expression) cannot be interrupted in-process.
So where users hand us files (the CLI commands, the app's uploads, the knowledge base's add), reports
are read with ``read_report_guarded`` / ``read_report_bytes_guarded``: ``read_report_bytes`` runs in a
worker process, and a worker that has not answered within the time limit is killed and
the caller gets ReportReadError(TIMEOUT) with a Chinese message naming the file and the limit. A worker's
address space is capped at its size at start plus its memory limit: an allocation past it is
ReportReadError(MEMORY). All its threads allocate from one malloc arena, so the ceiling is not eaten by
the 64 MB arena a thread reserves whenever it first runs (late, on a busy machine). pdfium (and Python, in a
place where it cannot raise) aborts when an allocation fails: a worker that aborts is given the file once
more in a fresh worker, and a second abort is ReportReadError(MEMORY). A worker that dies otherwise (killed
by the OS) is ReportReadError(CRASHED). The reader's
own errors come back as data (ErrorRecord) and are raised again with the same reason and message; what
a library raises for a file it did not expect (an AttributeError deep in python-docx …) comes back as
ReportReadError(DAMAGED) naming the file, never as a traceback. Other files users hand
us (this year's figures as XLSX/CSV, ``nianbao.intake``) are read the same way, by ``run_guarded``.
The limits (``ReadLimits``: size, time, memory) are the caller's: the shells pass the configured ones
(NIANBAO_MAX_FILE_MB, NIANBAO_READ_TIMEOUT, NIANBAO_READ_MEMORY_MB) down; the defaults are theirs.

Workers are kept and reused (a read costs a round trip over a pipe, not a process start), at most
``max_workers`` of them, one per read in progress, so several app sessions read at once. A worker is
forked when the calling process has a single thread; a threaded process (the Streamlit app, Chroma)
uses a fork server started with the reader modules preloaded, since forking a threaded process can
copy a lock another thread holds and deadlock. (A fork-server worker imports the caller's main module
again, as multiprocessing does; Python 3.11 ignores "__main__" in the preload list. So a script that
reads through the guard from several threads needs ``if __name__ == "__main__":``. For the app this is
streamlit's command, 0.3 s once per worker.) A worker that overran or died is replaced on the next
read; all are killed at exit (they are daemonic), and a worker exits when its lifeline pipe breaks, so
none outlives a caller that was killed, even in a read that hangs.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar

from nianbao.errors import ErrorRecord, NianbaoError, ReadFailure, ReportReadError
from nianbao.model import Report
from nianbao.readers import DEFAULT_LIMITS, ReadLimits, _load, read_report_bytes

log = logging.getLogger(__name__)

Reader = Callable[[bytes, str, int], Report]
T = TypeVar("T")
# What a worker is asked: a function (None: the guard's reader), the file's bytes and name, further arguments.
Request = tuple[Callable[..., Any] | None, bytes, str, tuple[Any, ...]]
REPORT_ADVICE = "请检查文件，或另存为 .docx 或 .txt 后再试。"

# Imported once by the fork server, so that a worker forked from it starts with them loaded.
PRELOAD = [
    "nianbao.readers.guard",
    "nianbao.readers.parse",
    "nianbao.readers.tables",
    "nianbao.readers.text",
    "nianbao.readers.html",
    "nianbao.readers.docx",
    "nianbao.readers.pdf",
    "pypdfium2",
    "nianbao.intake.facts",
]
START_SECONDS = 60.0  # a worker's start is not counted in the read's time limit
READS_PER_WORKER = 500  # then a fresh one, so that what a reader leaks does not pile up
_PR_SET_PDEATHSIG = 1  # prctl(2)
_M_ARENA_MAX = -8  # mallopt(3)
EXIT_SECONDS = 5.0  # how long a worker whose pipe closed may take to be reaped (to know how it died)
_READY = "ready"
_TAKEN = "taken"


def read_report_guarded(path: str | Path, limits: ReadLimits = DEFAULT_LIMITS) -> Report:
    """``read_report`` in a worker process, within ``limits`` (size, time, the worker's memory)."""
    path = Path(path)
    data = _load(path, limits.max_bytes)
    return read_report_bytes_guarded(data, path.name, limits)


def read_report_bytes_guarded(data: bytes, name: str = "", limits: ReadLimits = DEFAULT_LIMITS) -> Report:
    """``read_report_bytes`` in a worker process, within ``limits`` (size, time, the worker's memory)."""
    return default_guard(limits.memory_mb).read_bytes(data, name, limits.max_bytes, limits.timeout)


def run_guarded(
    function: Callable[..., T],
    data: bytes,
    name: str,
    *args: Any,
    limits: ReadLimits = DEFAULT_LIMITS,
    advice: str = "",
) -> T:
    """``function(data, name, *args)`` in a worker process, stopped after ``limits.timeout`` seconds.

    ``function`` must be importable by the worker (a module-level function) and its result picklable; a
    NianbaoError it raises comes back with its type and message. ``advice`` ends the message of a timeout.
    """
    return default_guard(limits.memory_mb).run(function, data, name, *args, timeout=limits.timeout, advice=advice)


def timeout_error(name: str, limit: float, advice: str = REPORT_ADVICE) -> ReportReadError:
    return ReportReadError(
        ReadFailure.TIMEOUT,
        f"读取文件“{_label(name)}”超过了 {limit:g} 秒的时间上限，已停止读取（文件可能过大或结构异常）。{advice}",
    )


def crashed_error(name: str) -> ReportReadError:
    return ReportReadError(
        ReadFailure.CRASHED,
        f"读取文件“{_label(name)}”时，读取进程意外退出（可能超过了内存上限 NIANBAO_READ_MEMORY_MB，或被系统终止），"
        "未能读完。请重试；若仍然失败，请检查文件。",
    )


def _label(name: str) -> str:
    return name or "（未命名）"


@dataclass(eq=False)
class _Worker:
    """A worker process, our end of its pipe, and its lifeline (closed when we die: the worker then exits)."""

    process: BaseProcess
    connection: Connection
    lifeline: Connection
    reads: int = 0

    def stop(self) -> None:
        self.connection.close()
        self.lifeline.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


class ReadGuard:
    """Reads reports in worker processes with a time limit per file; safe to use from several threads."""

    _idle: list[_Worker]  # started, waiting for a read
    _busy: list[_Worker]  # reading

    def __init__(
        self,
        max_workers: int = 2,
        start_method: str | None = None,
        reader: Reader = read_report_bytes,
        memory_mb: int = DEFAULT_LIMITS.memory_mb,
    ):
        self.max_workers = max_workers
        self.start_method = start_method  # None: "fork" with a single thread, else "forkserver"
        self.reader = reader
        self.memory_mb = memory_mb  # 0: no ceiling
        self._reset()

    def read_bytes(
        self,
        data: bytes,
        name: str = "",
        max_bytes: int = DEFAULT_LIMITS.max_bytes,
        timeout: float = DEFAULT_LIMITS.timeout,
    ) -> Report:
        """The report in ``data``; ReportReadError(TIMEOUT) when reading takes more than ``timeout`` seconds."""
        return self._run((None, data, name, (max_bytes,)), timeout, REPORT_ADVICE)

    def run(
        self,
        function: Callable[..., T],
        data: bytes,
        name: str,
        *args: Any,
        timeout: float = DEFAULT_LIMITS.timeout,
        advice: str = "",
    ) -> T:
        """``function(data, name, *args)`` in a worker, with the time limit of ``read_bytes`` (see ``run_guarded``)."""
        return self._run((function, data, name, args), timeout, advice or REPORT_ADVICE)

    def _run(self, request: Request, timeout: float, advice: str) -> Any:
        self._adopt()
        with self._slots:
            reply = self._read(request, timeout, advice)
        return _unpack(reply)

    def worker_pids(self) -> list[int]:
        """The process ids of the workers, idle or reading."""
        with self._lock:
            return [w.process.pid for w in self._idle + self._busy if w.process.pid is not None]

    def close(self) -> None:
        """Kill every worker (a read in progress gets ReportReadError(CRASHED))."""
        if os.getpid() != self._owner:
            return
        with self._lock:
            workers, self._idle, self._busy = self._idle + self._busy, [], []
        for worker in workers:
            worker.stop()

    def __enter__(self) -> ReadGuard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _reset(self) -> None:
        self._owner = os.getpid()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.max_workers)
        self._idle = []
        self._busy = []

    def _adopt(self) -> None:
        # In a forked child (a knowledge-base pool worker) the workers and locks are the parent's: close our
        # copies of their pipes (kept open, they would hide the parent's death from its workers), start afresh.
        if os.getpid() != self._owner:
            for worker in self._idle + self._busy:
                worker.connection.close()
                worker.lifeline.close()
            self._reset()

    def _take(self, name: str) -> _Worker:
        with self._lock:  # starts are serialised too: no worker forks while another's pipe end is open here
            worker = self._idle_worker() or self._start(name)
            self._busy.append(worker)
            return worker

    def _idle_worker(self) -> _Worker | None:
        while self._idle:
            worker = self._idle.pop()
            # An idle worker sends nothing: something to read on its pipe is the end of a worker that died.
            if worker.process.is_alive() and not worker.connection.poll(0):
                return worker
            worker.stop()
        return None

    def _start(self, name: str) -> _Worker:
        method = self.start_method or ("fork" if threading.active_count() == 1 else "forkserver")
        context: Any = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(PRELOAD)
        ours, theirs = context.Pipe()
        lifeline_end, lifeline = context.Pipe(duplex=False)
        args = (theirs, lifeline_end, self.reader, [*self._ends_to_close(method), ours, lifeline], self.memory_mb)
        process = context.Process(target=_serve, args=args, name="nianbao-reader", daemon=True)
        process.start()
        theirs.close()
        lifeline_end.close()
        worker = _Worker(process, ours, lifeline)
        try:
            if ours.poll(START_SECONDS) and ours.recv() == _READY:
                return worker
        except (EOFError, OSError):
            pass
        worker.stop()
        raise crashed_error(name)

    def _read(self, request: Request, limit: float, advice: str) -> Any:
        name = request[2]
        # A second worker when the first had died before it took the request, or aborted while reading it.
        for attempt in range(2):
            worker = self._take(name)
            try:
                reply = self._ask(worker, request, limit, advice)
            except _NotTaken:
                continue
            except _Aborted as e:
                if attempt or not self.memory_mb:
                    raise self._abort_error(name) from e
                continue
            self._give_back(worker)
            return reply
        raise crashed_error(name)

    def _abort_error(self, name: str) -> ReportReadError:
        if self.memory_mb:  # what aborts on a failed allocation, under the ceiling
            return ReportReadError(ReadFailure.MEMORY, memory_message(name, self.memory_mb))
        return crashed_error(name)

    def _ends_to_close(self, method: str) -> list[Connection]:
        # A forked worker inherits our ends of every pipe; it must close them, or it would keep another
        # worker's pipe (or its own) open after we die. A fork-server worker inherits nothing of ours.
        if method != "fork":
            return []
        workers = self._idle + self._busy
        return [w.connection for w in workers] + [w.lifeline for w in workers]

    def _ask(self, worker: _Worker, request: Request, limit: float, advice: str) -> Any:
        name = request[2]
        try:
            return _exchange(worker, request, limit, advice)
        except BaseException as e:  # overran, died, or the caller was interrupted: the worker cannot be trusted
            log.info("reader worker %s stopped while reading %r: %s", worker.process.pid, name, type(e).__name__)
            self._forget(worker)
            worker.stop()
            raise

    def _give_back(self, worker: _Worker) -> None:
        worker.reads += 1
        self._forget(worker)
        if worker.reads >= READS_PER_WORKER:
            worker.stop()
            return
        with self._lock:
            self._idle.append(worker)

    def _forget(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._busy:
                self._busy.remove(worker)


class _NotTaken(Exception):
    """The worker was gone before it took the request (killed while idle): nothing was read."""


class _Aborted(Exception):
    """The worker aborted (SIGABRT) while reading: what pdfium and Python do when an allocation fails."""


def _exchange(worker: _Worker, request: Request, limit: float, advice: str) -> Any:
    deadline = time.monotonic() + limit
    name = request[2]
    try:
        worker.connection.send(request)
        _receive(worker, deadline, limit, name, advice)  # _TAKEN
    except (EOFError, OSError) as e:
        raise _NotTaken from e
    try:
        return _receive(worker, deadline, limit, name, advice)
    except (EOFError, OSError) as e:
        worker.process.join(EXIT_SECONDS)  # its end of the pipe is closed: it has exited, or is exiting
        if worker.process.exitcode == -signal.SIGABRT:
            raise _Aborted from e
        raise crashed_error(name) from e


def _receive(worker: _Worker, deadline: float, limit: float, name: str, advice: str) -> Any:
    # poll is also true when the worker has died: recv then raises EOFError (or ConnectionResetError)
    if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
        raise timeout_error(name, limit, advice)
    return worker.connection.recv()


def _unpack(reply: Any) -> Any:
    if isinstance(reply, ErrorRecord):
        raise reply.error()
    if isinstance(reply, BaseException):
        raise reply
    return reply


def _serve(
    connection: Connection, lifeline: Connection, reader: Reader, callers_ends: list[Connection], memory_mb: int
) -> None:
    """The worker: read each request and answer with its result (a Report …), an ErrorRecord or another exception."""
    for end in callers_ends:  # copies of the caller's ends: kept open here, they would hide the caller's death
        end.close()
    _die_with_parent()
    _one_malloc_arena()
    threading.Thread(target=_exit_with_caller, args=(lifeline,), daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle; it then kills us
    _limit_memory(memory_mb)
    try:
        connection.send(_READY)
        while True:
            request = connection.recv()
            connection.send(_TAKEN)
            answer = _answer(reader, memory_mb, *request)
            connection.send(answer)
            if isinstance(answer, ErrorRecord) and answer.reason is ReadFailure.MEMORY:
                return  # what failed to allocate may have left the worker in a bad state: a fresh one next time
    except (EOFError, OSError):  # the caller has gone (exited or was killed): so do we, quietly
        return


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies, even while a read holds the interpreter in C code
    (the lifeline's thread then never runs)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before the request was made
            os._exit(0)


def _one_malloc_arena() -> None:
    """Let every thread allocate from the main malloc arena: glibc gives a thread its own, reserving 64 MB of
    address space (128 MB while it aligns it) when the thread first allocates, which may come after the
    ceiling is set, and eat into it by chance."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 1)


def _limit_memory(memory_mb: int) -> None:
    """Cap this worker's address space at what it has now plus ``memory_mb``: an allocation past it fails
    (MemoryError) instead of the machine running out of memory."""
    if memory_mb <= 0:
        return
    import resource

    with contextlib.suppress(OSError, ValueError):
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        ceiling = pages * os.sysconf("SC_PAGE_SIZE") + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, resource.RLIM_INFINITY))


def _exit_with_caller(lifeline: Connection) -> None:
    """Exit as soon as the caller is gone (the lifeline's other end closed), even in a read that hangs."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv()  # the caller never sends: this returns only by an error
    os._exit(0)


def _answer(
    reader: Reader, memory_mb: int, function: Callable[..., Any] | None, data: bytes, name: str, args: tuple[Any, ...]
) -> Any:
    try:
        return (function or reader)(data, name, *args)
    except NianbaoError as e:
        return ErrorRecord.of(e)
    except Exception as e:  # what a library raises for a structure it did not expect: the file, to the user
        return _unexpected(e, name, memory_mb)


def _unexpected(error: Exception, name: str, memory_mb: int) -> ErrorRecord:
    if isinstance(error, MemoryError) or _out_of_memory(error):
        return ErrorRecord(ReportReadError, memory_message(name, memory_mb), ReadFailure.MEMORY)  # the ceiling
    if isinstance(error, RecursionError):
        return ErrorRecord(ReportReadError, _unparsable_message(name, "嵌套层数过深"), ReadFailure.DAMAGED)
    log.info("reading %r failed unexpectedly", name, exc_info=error)
    return ErrorRecord(ReportReadError, _unparsable_message(name, type(error).__name__), ReadFailure.DAMAGED)


def _out_of_memory(error: Exception) -> bool:
    """An mmap, a thread or a library's load (dlopen: "failed to map segment") refused by the memory ceiling."""
    if not isinstance(error, (OSError, ImportError)):
        return False
    return getattr(error, "errno", None) == errno.ENOMEM or any(
        words in str(error) for words in ("failed to map segment", "Cannot allocate memory")
    )


def memory_message(name: str, memory_mb: int) -> str:
    return (
        f"读取文件“{_label(name)}”所需内存超过了读取进程 {memory_mb} MB 的上限（NIANBAO_READ_MEMORY_MB），"
        f"已停止读取（文件可能过大或是恶意构造的）。{REPORT_ADVICE}"
    )


def _unparsable_message(name: str, detail: str) -> str:
    return f"文件“{_label(name)}”的结构异常，无法解析（{detail}），文件可能已损坏或是恶意构造的。{REPORT_ADVICE}"


_defaults: dict[int, ReadGuard] = {}  # by memory limit: one in practice, the configured one
_default_lock = threading.Lock()


def default_guard(memory_mb: int = DEFAULT_LIMITS.memory_mb) -> ReadGuard:
    """The guard of this process for workers capped at ``memory_mb`` (created on first use, killed at exit)."""
    with _default_lock:
        if memory_mb not in _defaults:
            guard = ReadGuard(max_workers=max(2, min(4, os.cpu_count() or 1)), memory_mb=memory_mb)
            atexit.register(guard.close)
            _defaults[memory_mb] = guard
        return _defaults[memory_mb]


def _after_fork_in_child() -> None:
    global _default_lock
    _default_lock = threading.Lock()  # another thread of the parent may have held it
    for guard in list(_defaults.values()):
        guard._adopt()


os.register_at_fork(after_in_child=_after_fork_in_child)
