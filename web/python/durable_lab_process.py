"""The Python half of Durable Lab's Python process (``web/src/processes/``).

Runs an attendee's script the way ``python worker.py`` would (``__name__ ==
"__main__"``, the script's directory first on ``sys.path``), inside Pyodide.
The TypeScript host calls ``setup(...)`` once, then ``await run_main(path,
argv)``, and ``stop()`` to cancel the script's main task.

``asyncio.run`` on Pyodide's WebLoop blocks through JSPI (WebAssembly stack
switching). Where JSPI is missing, ``asyncio.run(coro)`` here starts ``coro``
as the main task and unwinds the script with ``_DeferredRun``; ``run_main``
then awaits the task. A script whose last statement is ``asyncio.run(...)``
(the usual worker.py) behaves the same either way; statements after it run only
with JSPI.

This is part of a browser re-implementation of Temporal's public Python API,
not the official SDK.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import sys
import traceback
import types
from typing import Any, Callable, Dict, List, Optional

_main_task: Optional["asyncio.Task[Any]"] = None
_jspi = False
_stopping = False
_installed = False


class _DeferredRun(BaseException):
    """Unwinds a script at ``asyncio.run`` when the host cannot block (no JSPI)."""

    def __init__(self, task: "asyncio.Task[Any]") -> None:
        super().__init__("asyncio.run deferred to the host")
        self.task = task


class _HostLogHandler(logging.Handler):
    def __init__(self, emit: Callable[..., Any]) -> None:
        super().__init__(logging.NOTSET)
        self._emit = emit
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
            self._emit(record.levelname, record.name, text, record.created * 1000.0)
        except Exception:  # noqa: BLE001 - a log line must never break the script
            self.handleError(record)


def _asyncio_run(main: Any, *, debug: Optional[bool] = None, loop_factory: Any = None) -> Any:
    global _main_task
    if not asyncio.iscoroutine(main):
        raise ValueError(f"a coroutine was expected, got {main!r}")
    if _main_task is not None and not _main_task.done():
        main.close()
        raise RuntimeError("asyncio.run() cannot be called while another asyncio.run() is running")
    loop = asyncio.get_event_loop()
    task = loop.create_task(main)
    _main_task = task
    if _stopping:
        task.cancel()
    if _jspi:
        return loop.run_until_complete(task)
    raise _DeferredRun(task)


def _install_cancellable_timers() -> None:
    """Cancelling an asyncio timer clears its JavaScript timer.

    Pyodide's WebLoop schedules ``call_later`` with a JS timer and ignores
    cancellation, so every cancelled ``asyncio.wait_for`` or ``sleep`` left a
    live timer behind (under Node the process then lingers until the longest
    one fires). Here a delayed callback returns a ``TimerHandle`` whose
    ``cancel()`` clears the JS timer and frees its callback.
    """
    try:
        import js  # type: ignore[import-not-found]
        from pyodide.ffi import create_once_callable  # type: ignore[import-not-found]
        from pyodide.webloop import WebLoop  # type: ignore[import-not-found]
    except ImportError:  # CPython (unit tests): nothing to patch
        return
    if getattr(WebLoop, "_durable_lab_timers", False):
        return
    original_call_later = WebLoop.call_later
    max_ms = 2**31 - 1

    def call_later(self: Any, delay: float, callback: Any, *args: Any, context: Any = None) -> Any:
        if delay <= 0 or delay == math.inf:
            return original_call_later(self, delay, callback, *args, context=context)
        handle = asyncio.TimerHandle(self.time() + delay, callback, args, self, context=context)
        timers = self.__dict__.setdefault("_durable_lab_js_timers", {})

        def run_handle() -> None:
            timers.pop(id(handle), None)
            self._install_running_loop()
            self._install_asyncgen_hooks()
            if handle.cancelled():
                return
            try:
                handle._run()
            except SystemExit as e:
                if self._system_exit_handler:
                    self._system_exit_handler(e.code)
                else:
                    raise
            except KeyboardInterrupt:
                if self._keyboard_interrupt_handler:
                    self._keyboard_interrupt_handler()
                else:
                    raise

        once = create_once_callable(run_handle, _may_syncify=True)
        timer_id = js.setTimeout(once, min(delay * 1000, max_ms))
        timers[id(handle)] = (timer_id, once)
        return handle

    def timer_handle_cancelled(self: Any, handle: Any) -> None:
        entry = self.__dict__.get("_durable_lab_js_timers", {}).pop(id(handle), None)
        if entry is not None:
            timer_id, once = entry
            js.clearTimeout(timer_id)
            try:
                once.destroy()
            except Exception:  # noqa: BLE001 - already called or destroyed
                pass

    WebLoop.call_later = call_later
    WebLoop._timer_handle_cancelled = timer_handle_cancelled
    WebLoop._durable_lab_timers = True


def install_cancellable_timers() -> None:
    _install_cancellable_timers()


def setup(*, emit_log: Optional[Callable[..., Any]] = None, level: str = "INFO", cwd: str = "/home/pyodide") -> None:
    """Called once by the host before ``run_main``."""
    global _installed
    _install_cancellable_timers()
    if emit_log is not None:
        root = logging.getLogger()
        for h in list(root.handlers):
            if isinstance(h, _HostLogHandler):
                root.removeHandler(h)
        root.addHandler(_HostLogHandler(emit_log))
        root.setLevel(getattr(logging, str(level).upper(), logging.INFO))
    os.makedirs(cwd, exist_ok=True)
    os.chdir(cwd)
    if not _installed:
        asyncio.run = _asyncio_run  # type: ignore[assignment]
        _installed = True


def format_traceback(err: BaseException, shown_as: Callable[[str], Optional[str]]) -> str:
    """The traceback as CPython prints it, causes and contexts included, with
    each frame's file shown as ``shown_as(filename)``; None drops the frame."""
    te = traceback.TracebackException.from_exception(err)

    def rewrite(t: traceback.TracebackException) -> None:
        kept = []
        for frame in t.stack:
            name = shown_as(frame.filename)
            if name is not None:
                frame.line  # read the source line while the original path still finds it
                frame.filename = name
                kept.append(frame)
        t.stack = traceback.StackSummary.from_list(kept)
        if t.__cause__ is not None:
            rewrite(t.__cause__)
        if t.__context__ is not None:
            rewrite(t.__context__)

    rewrite(te)
    return "".join(te.format())


def _user_traceback(err: BaseException) -> str:
    """The traceback as CPython prints it, without this module's own frames."""
    return format_traceback(err, lambda filename: None if filename == __file__ else filename)


def _exit_code(code: Any) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


async def run_main(path: str, argv: Optional[List[str]] = None, allow_jspi: bool = True) -> Dict[str, Any]:
    """Runs ``path`` as ``__main__``; returns ``{"code", "reason", "error"?}``.

    ``reason`` is "completed", "error" or "stopped". Errors are also printed
    to stderr as ``python`` would print them. ``allow_jspi=False`` drives
    ``asyncio.run`` from here even where JSPI exists (tests of that path).
    """
    global _jspi, _main_task
    try:
        from pyodide.ffi import can_run_sync  # type: ignore[import-not-found]

        _jspi = bool(allow_jspi) and bool(can_run_sync())
    except ImportError:
        _jspi = False
    _main_task = None
    full = os.path.abspath(path)
    sys.argv = [path, *(argv or [])]
    script_dir = os.path.dirname(full)
    if script_dir not in sys.path:
        sys.path.insert(0, script_dir)
    result: Dict[str, Any]
    try:
        try:
            with open(full, encoding="utf-8") as f:
                source = f.read()
        except FileNotFoundError:
            here = sorted(n for n in os.listdir(script_dir) if not n.startswith(".")) if os.path.isdir(script_dir) else []
            raise FileNotFoundError(
                f"can't open file {path!r}: [Errno 2] No such file or directory"
                f" (files here: {', '.join(here) or 'none'})"
            ) from None
        code = compile(source, path, "exec")
        module = types.ModuleType("__main__")
        module.__file__ = path
        module.__builtins__ = __builtins__  # type: ignore[attr-defined]
        sys.modules["__main__"] = module
        try:
            exec(code, module.__dict__)
        except _DeferredRun as deferred:
            await deferred.task
        result = {"code": 0, "reason": "completed"}
    except SystemExit as e:
        result = {"code": _exit_code(e.code), "reason": "completed"}
    except (asyncio.CancelledError, KeyboardInterrupt):
        result = {"code": 130, "reason": "stopped"} if _stopping else _error_result(asyncio.CancelledError("cancelled"))
    except BaseException as e:  # noqa: BLE001 - reported to the host, printed like python does
        result = _error_result(e)
    finally:
        _main_task = None
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:  # noqa: BLE001
            pass
    return result


def _error_result(e: BaseException) -> Dict[str, Any]:
    text = _user_traceback(e)
    sys.stderr.write(text)
    sys.stderr.flush()
    message = str(e)
    if isinstance(e, SyntaxError):
        message = f"{e.msg} ({e.filename}, line {e.lineno})"
    return {"code": 1, "reason": "error",
            "error": {"type": type(e).__name__, "message": message, "traceback": text}}


def stop() -> bool:
    """Cancels the script's main task (the worker shuts down); True if one was running."""
    global _stopping
    _stopping = True
    task = _main_task
    if task is not None and not task.done():
        task.cancel()
        return True
    return False
