"""Test doubles for the host boundary (temporalio._internal.host).

FakeRpc speaks the rpc protocol (JSON strings, reply {"response"}|{"error"});
tests script its answers per method. FakeCore is a pass-through replay core:
the test puts the activation to run into the poll response, and the core turns
the completion into RespondWorkflowTaskCompleted/Failed. It checks the
worker's plumbing, not replay (the real core is engine.wasm).
"""

import asyncio
import json


class FakeRpc:
    def __init__(self):
        self.calls = []            # (method, request) in order
        self.cancelled = []        # call ids the Python side gave up on
        self.handlers = {}         # method -> fn(request) -> response (or raises RpcFail)
        self.queues = {}           # method -> asyncio.Queue of responses (long polls)

    def queue(self, method):
        if method not in self.queues:
            self.queues[method] = asyncio.Queue()
        return self.queues[method]

    def requests(self, method):
        return [r for m, r in self.calls if m == method]

    async def call(self, method, request_json, call_id):
        request = json.loads(request_json)
        self.calls.append((method, request))
        try:
            if method in self.handlers:
                response = self.handlers[method](request)
            elif method.startswith("Poll"):
                response = await self.queue(method).get()  # waits, as a long poll does
            else:
                response = {}
        except RpcFail as fail:
            return json.dumps({"error": {"code": fail.code, "message": fail.message}})
        except asyncio.CancelledError:
            raise
        return json.dumps({"response": response})

    def cancel(self, call_id):
        self.cancelled.append(call_id)


class RpcFail(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class FakeCore:
    """Speaks worker_core.h's result shapes; a failed completion evicts the run."""

    def __init__(self, options_json):
        self.options = json.loads(options_json)
        self.completions = []
        self.polls = []
        self.need_full_history = set()   # run IDs that answer FAILED_PRECONDITION once
        self.nondeterminism = None       # a message: the next completion "mismatches history"
        self._token = None

    def handle_workflow_task(self, poll_json):
        poll = json.loads(poll_json)
        self.polls.append(poll)
        run_id = (poll.get("workflowExecution") or {}).get("runId")
        if run_id in self.need_full_history and not (poll.get("history") or {}).get("events"):
            return json.dumps({"error": {"code": "FAILED_PRECONDITION",
                                         "message": f"run {run_id} is not cached: fetch its full history"}})
        self._token = poll["taskToken"]
        return json.dumps({"evictions": poll.get("evictions", []), "activation": poll["activation"]})

    def complete_activation(self, completion_json):
        completion = json.loads(completion_json)
        self.completions.append(completion)
        if self.nondeterminism:
            message, self.nondeterminism = self.nondeterminism, None
            return json.dumps({
                "evictions": [{"runId": completion["runId"], "jobs": [{"removeFromCache": {"reason": "NONDETERMINISM"}}]}],
                "respond": {"method": "RespondWorkflowTaskFailed", "request": {
                    "taskToken": self._token, "cause": "WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR",
                    "failure": {"message": message}}}})
        if "failed" in completion:
            return json.dumps({
                "evictions": [{"runId": completion["runId"], "jobs": [{"removeFromCache": {"reason": "LANG_FAIL"}}]}],
                "respond": {"method": "RespondWorkflowTaskFailed", "request": {
                    "taskToken": self._token, "failure": completion["failed"]["failure"]}}})
        return json.dumps({"evictions": [], "respond": {"method": "RespondWorkflowTaskCompleted", "request": {
            "taskToken": self._token, "commands": completion["successful"]["commands"]}}})


async def wait_until(predicate, timeout=5.0):
    """Polls the event loop until predicate() holds; fails after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.005)
