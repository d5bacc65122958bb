"""Shared helpers: puts web/python on sys.path and builds activation JSON."""

import base64
import json
import logging
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PYTHON_DIR = os.path.join(ROOT, "web", "python")
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

RUN_ID = "run-1"
T0 = "2026-01-01T00:00:00Z"


def payload(value):
    if value is None:
        return {"metadata": {"encoding": base64.b64encode(b"binary/null").decode()}}
    return {
        "metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
        "data": base64.b64encode(json.dumps(value).encode()).decode(),
    }


def value(p):
    enc = base64.b64decode(p["metadata"]["encoding"]).decode()
    if enc == "binary/null":
        return None
    assert enc == "json/plain", enc
    return json.loads(base64.b64decode(p["data"]))


def activation(*jobs, timestamp=T0, replaying=False, run_id=RUN_ID):
    return {"runId": run_id, "timestamp": timestamp, "isReplaying": replaying, "jobs": list(jobs)}


def init_job(workflow_type, *args, workflow_id="wf-1", seed=7):
    return {"initializeWorkflow": {
        "workflowType": workflow_type, "workflowId": workflow_id,
        "arguments": [payload(a) for a in args], "randomnessSeed": str(seed),
        "attempt": 1, "firstExecutionRunId": RUN_ID, "startTime": T0,
    }}


def signal_job(name, *args):
    return {"signalWorkflow": {"signalName": name, "input": [payload(a) for a in args]}}


def query_job(query_id, name, *args):
    return {"queryWorkflow": {"queryId": query_id, "queryType": name, "arguments": [payload(a) for a in args]}}


def fire_timer(seq):
    return {"fireTimer": {"seq": seq}}


def resolve_activity_ok(seq, result):
    return {"resolveActivity": {"seq": seq, "result": {"completed": {"result": payload(result)}}}}


def resolve_activity_failed(seq, failure):
    return {"resolveActivity": {"seq": seq, "result": {"failed": {"failure": failure}}}}


def commands(completion):
    assert "successful" in completion, completion
    return completion["successful"]["commands"]


def kinds(completion):
    return [next(iter(c)) for c in commands(completion)]

# Workflow/activity loggers print expected errors; keep test output readable.
logging.getLogger("temporalio").setLevel(logging.CRITICAL)
