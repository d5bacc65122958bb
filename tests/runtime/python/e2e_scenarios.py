"""Scenarios of issue 3's "Prove it" list, run in Pyodide against engine.wasm
by engine_e2e.test.mjs. Each returns observations (JSON); the test asserts.

The host gives each scenario a fresh engine (js_bridge.new_host) and implements
temporalio._internal.host's rpc and core_factory with ServerHost and
WorkerCore (see engine_e2e.test.mjs).
"""

import asyncio
import json
from datetime import timedelta

import chapter_cells as c
from temporalio import activity, workflow
from temporalio._internal import host
from temporalio.client import Client, WorkflowFailureError
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.worker import Worker

INVOICE = {"invoice_id": "INV-100", "customer": "ACME Corp", "lines": [
    {"description": "Widget A", "amount": 100, "due_date": "2024-06-30T00:00:00Z"},
    {"description": "Widget B", "amount": 200, "due_date": "2024-07-05T00:00:00Z"}]}

runs = {"payment_gateway": 0, "flaky": 0}


# The chapter's activity, counted (to prove replay does not re-run it).
@activity.defn(name="payment_gateway")
async def counted_payment_gateway(line: dict) -> bool:
    runs["payment_gateway"] += 1
    return await c.payment_gateway(line)


@activity.defn
async def flaky(line: dict) -> str:
    runs["flaky"] += 1
    if activity.info().attempt < 3:
        raise RuntimeError(f"gateway unavailable (attempt {activity.info().attempt})")
    return f"paid on attempt {activity.info().attempt}"


@activity.defn
async def declined(line: dict) -> str:
    raise ApplicationError("card declined", type="CardDeclined", non_retryable=True)


# The chapter's timer workflow with the try/except the issue asks for: after
# 5 days without a decision it approves by itself.
@workflow.defn(name="InvoiceWorkflow", sandboxed=False)
class AutoApproveInvoiceWorkflow(c.InvoiceWorkflow):
    @workflow.run
    async def run(self, invoice: dict) -> str:
        self.status = "PENDING-APPROVAL"
        try:
            await workflow.wait_condition(lambda: self.approved is not None, timeout=timedelta(days=5))
        except asyncio.TimeoutError:
            self.approved = True
        self.status = "APPROVED"
        for line in invoice.get("lines", []):
            await workflow.sleep(timedelta(seconds=2))
            await workflow.execute_activity("payment_gateway", line, start_to_close_timeout=timedelta(seconds=30))
        self.status = "PAID"
        return self.status


@workflow.defn
class RetryWorkflow:
    @workflow.run
    async def run(self, activity_name: str) -> str:
        try:
            return await workflow.execute_activity(
                activity_name, {"description": "Widget A"}, start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=100), maximum_attempts=5))
        except ActivityError as err:
            return f"{type(err.cause).__name__}: {err.cause}"


# InvoiceWorkflow with the sleep and the activity swapped: a code change that
# does not replay.
@workflow.defn(name="InvoiceWorkflow", sandboxed=False)
class SwappedInvoiceWorkflow(c.InvoiceWorkflow):
    @workflow.run
    async def run(self, invoice: dict) -> str:
        await workflow.wait_condition(lambda: self.approved is not None, timeout=timedelta(days=5))
        for line in invoice.get("lines", []):
            await workflow.execute_activity(c.payment_gateway, line, start_to_close_timeout=timedelta(seconds=30))
            await workflow.sleep(timedelta(seconds=2))
        return "PAID"


@workflow.defn
class Spinner:
    @workflow.run
    async def run(self) -> None:
        while True:
            pass


_live: list = []  # worker tasks of the current scenario


def track(task: "asyncio.Task") -> "asyncio.Task":
    _live.append(task)
    return task


@workflow.defn
class Doubler:
    @workflow.run
    async def run(self, x: int) -> int:
        await workflow.sleep(0.5)
        return x * 2


@workflow.defn
class Parent:
    @workflow.run
    async def run(self, x: int) -> list:
        handle = await workflow.start_child_workflow(Doubler.run, x, id=f"{workflow.info().workflow_id}-child")
        direct = await workflow.execute_child_workflow("Doubler", x + 1)
        return [handle.id, await handle, direct]


@workflow.defn
class Counter:
    @workflow.run
    async def run(self, n: int) -> int:
        if n < 3:
            await workflow.sleep(0.2)
            workflow.continue_as_new(n + 1)
        return n


@workflow.defn
class Sleeper:
    def __init__(self) -> None:
        self.cleaned = False

    @workflow.query
    def cleaned_up(self) -> bool:
        return self.cleaned

    @workflow.run
    async def run(self) -> None:
        try:
            await workflow.sleep(timedelta(hours=1))
        finally:
            self.cleaned = True


async def fresh_client() -> Client:
    import js_bridge  # registered by the test: the host side of this process

    # A scenario that failed half-way leaves workers polling; they must not
    # take the next scenario's tasks.
    while _live:
        await stop(_live.pop())

    await js_bridge.new_host()  # a new engine for this scenario
    c.temporal_client = None
    return await c.get_temporal_client()


async def events_of(client: Client, workflow_id: str) -> list:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return history.events


def types(events: list) -> list:
    return [e["eventType"].replace("EVENT_TYPE_", "") for e in events]


def attrs(event: dict) -> dict:
    return next((v for k, v in event.items() if k.endswith("EventAttributes")), {})


async def wait_until_history(client: Client, workflow_id: str, predicate, timeout: float = 30) -> list:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        events = await events_of(client, workflow_id)
        if predicate(types(events)):
            return events
        if loop.time() > end:
            raise AssertionError(f"history never matched: {types(events)}")
        await asyncio.sleep(0.05)


async def wait_for_event(client: Client, workflow_id: str, event_type: str, count: int = 1, timeout: float = 30) -> list:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        events = await events_of(client, workflow_id)
        if types(events).count(event_type) >= count:
            return events
        if loop.time() > end:
            raise AssertionError(f"{event_type} x{count} not reached: {types(events)}")
        await asyncio.sleep(0.05)


async def start_worker(client: Client, workflows: list, activities: list, task_queue: str = "invoice-task-queue", **kw):
    worker = Worker(client, task_queue=task_queue, workflows=workflows, activities=activities, **kw)
    return worker, track(asyncio.create_task(worker.run()))


async def stop(task: "asyncio.Task") -> None:
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


async def scenario_approve() -> dict:
    await fresh_client()
    worker = track(asyncio.create_task(c.run_worker()))  # the chapter's worker cell, as written
    started = await c.process_invoice(INVOICE)
    wid, rid = started["workflow_id"], started["run_id"]
    out = {"before": await c.invoice_status(wid, rid), "approve": await c.approve_invoice(wid, rid)}
    client = await c.get_temporal_client()
    out["result"] = await asyncio.wait_for(client.get_workflow_handle(wid, run_id=rid).result(), 60)
    out["after"] = await c.invoice_status(wid, rid)
    out["events"] = types(await events_of(client, wid))
    await stop(worker)
    return out


async def scenario_reject() -> dict:
    await fresh_client()
    worker = track(asyncio.create_task(c.run_worker()))
    started = await c.process_invoice(INVOICE)
    wid, rid = started["workflow_id"], started["run_id"]
    out = {"reject": await c.reject_invoice(wid, rid)}
    client = await c.get_temporal_client()
    out["result"] = await asyncio.wait_for(client.get_workflow_handle(wid, run_id=rid).result(), 30)
    out["after"] = await c.invoice_status(wid, rid)
    await stop(worker)
    return out


async def scenario_five_days_uncaught() -> dict:
    client = await fresh_client()
    await client._transport.call("SetAutoTimeSkipping", {"enabled": True})
    _, worker = await start_worker(client, [c.InvoiceWorkflow], [c.payment_gateway])
    handle = await client.start_workflow(c.InvoiceWorkflow.run, INVOICE, id="inv-timeout", task_queue="invoice-task-queue")
    out = {}
    try:
        await asyncio.wait_for(handle.result(), 30)
        out["error"] = None
    except WorkflowFailureError as err:
        out["error"] = type(err).__name__
        out["cause"] = type(err.cause).__name__
        out["causeType"] = getattr(err.cause, "type", None)
    out["status"] = (await handle.describe()).status.name
    out["events"] = types(await events_of(client, "inv-timeout"))
    await stop(worker)
    return out


async def scenario_five_days_auto_approve() -> dict:
    client = await fresh_client()
    await client._transport.call("SetAutoTimeSkipping", {"enabled": True})
    _, worker = await start_worker(client, [AutoApproveInvoiceWorkflow], [counted_payment_gateway])
    handle = await client.start_workflow("InvoiceWorkflow", INVOICE, id="inv-auto", task_queue="invoice-task-queue")
    out = {"result": await asyncio.wait_for(handle.result(), 30),
           "status": await handle.query("GetInvoiceStatus")}
    await stop(worker)
    return out


async def scenario_retries() -> dict:
    client = await fresh_client()
    _, worker = await start_worker(client, [RetryWorkflow], [flaky, declined], task_queue="retry-q")
    runs["flaky"] = 0
    flaky_result = await asyncio.wait_for(
        client.execute_workflow(RetryWorkflow.run, "flaky", id="retry-flaky", task_queue="retry-q"), 30)
    flaky_runs = runs["flaky"]
    declined_result = await asyncio.wait_for(
        client.execute_workflow(RetryWorkflow.run, "declined", id="retry-declined", task_queue="retry-q"), 30)
    out = {"flaky": flaky_result, "flakyRuns": flaky_runs, "declined": declined_result}
    for wid in ("retry-flaky", "retry-declined"):
        started = [attrs(e) for e in await events_of(client, wid) if e["eventType"].endswith("ACTIVITY_TASK_STARTED")]
        out[wid] = {"attempt": started[0].get("attempt"),
                    "lastFailure": (started[0].get("lastFailure") or {}).get("message")}
    await stop(worker)
    return out


async def scenario_kill_worker_mid_timer() -> dict:
    client = await fresh_client()
    runs["payment_gateway"] = 0
    _, first = await start_worker(client, [c.InvoiceWorkflow], [counted_payment_gateway])
    handle = await client.start_workflow(c.InvoiceWorkflow.run, INVOICE, id="inv-kill", task_queue="invoice-task-queue")
    await handle.signal(c.InvoiceWorkflow.ApproveInvoice)
    # First line paid, then the second line's 2 s timer starts: kill the worker there.
    await wait_until_history(client, "inv-kill", lambda t: "ACTIVITY_TASK_COMPLETED" in t
                             and "TIMER_STARTED" in t[t.index("ACTIVITY_TASK_COMPLETED"):])
    await stop(first)
    events_at_kill = types(await events_of(client, "inv-kill"))
    paid_before = runs["payment_gateway"]
    _, second = await start_worker(client, [c.InvoiceWorkflow], [counted_payment_gateway])
    result = await asyncio.wait_for(handle.result(), 60)
    events = types(await events_of(client, "inv-kill"))
    await stop(second)
    return {"result": result, "paidBeforeKill": paid_before, "paidTotal": runs["payment_gateway"], "events": events,
            "eventsAtKill": events_at_kill}


async def scenario_nondeterminism() -> dict:
    client = await fresh_client()
    _, first = await start_worker(client, [c.InvoiceWorkflow], [c.payment_gateway])
    handle = await client.start_workflow(c.InvoiceWorkflow.run, INVOICE, id="inv-nd", task_queue="invoice-task-queue")
    await handle.signal("ApproveInvoice")
    # The first line's 2 s timer is recorded (the 5-day one may never be, if
    # the signal came with the first task): kill the worker there.
    await wait_until_history(client, "inv-nd", lambda t: t.count("TIMER_STARTED") >= 1
                             and "WORKFLOW_EXECUTION_SIGNALED" in t and "ACTIVITY_TASK_SCHEDULED" not in t
                             and t.index("WORKFLOW_EXECUTION_SIGNALED") < len(t) - 1 - t[::-1].index("TIMER_STARTED"))
    await stop(first)
    # The changed code replays the history: the core sees ScheduleActivity where TimerStarted is.
    _, second = await start_worker(client, [SwappedInvoiceWorkflow], [c.payment_gateway])
    events = await wait_for_event(client, "inv-nd", "WORKFLOW_TASK_FAILED")
    failed = attrs([e for e in events if e["eventType"].endswith("WORKFLOW_TASK_FAILED")][0])
    await handle.terminate(reason="test over")
    await stop(second)
    return {"cause": failed.get("cause"), "message": (failed.get("failure") or {}).get("message"),
            "stackTrace": (failed.get("failure") or {}).get("stackTrace")}


async def scenario_deadlock() -> dict:
    client = await fresh_client()
    _, worker = await start_worker(client, [c.InvoiceWorkflow, Spinner], [c.payment_gateway])
    spin = await client.start_workflow(Spinner.run, id="spinner", task_queue="invoice-task-queue")
    events = await wait_for_event(client, "spinner", "WORKFLOW_TASK_FAILED")
    failed = attrs([e for e in events if e["eventType"].endswith("WORKFLOW_TASK_FAILED")][0])
    # The worker is alive: another workflow still runs to completion.
    other = await client.start_workflow(c.InvoiceWorkflow.run, {"lines": []}, id="after-spin", task_queue="invoice-task-queue")
    await other.signal("RejectInvoice")
    other_result = await asyncio.wait_for(other.result(), 30)
    await spin.terminate(reason="test over")
    await stop(worker)
    return {"message": (failed.get("failure") or {}).get("message"),
            "stackTrace": (failed.get("failure") or {}).get("stackTrace"), "other": other_result}


async def scenario_children_continue_as_new_cancel() -> dict:
    client = await fresh_client()
    _, worker = await start_worker(client, [Parent, Doubler, Counter, Sleeper], [], task_queue="misc-q")
    out = {"parent": await asyncio.wait_for(
        client.execute_workflow(Parent.run, 20, id="parent", task_queue="misc-q"), 30)}
    counter = await client.start_workflow(Counter.run, 0, id="counter", task_queue="misc-q")
    out["counter"] = await asyncio.wait_for(counter.result(), 30)
    out["counterFirstRunStatus"] = (await client.get_workflow_handle("counter", run_id=counter.result_run_id)
                                    .describe()).status.name
    sleeper = await client.start_workflow(Sleeper.run, id="sleeper", task_queue="misc-q")
    await wait_for_event(client, "sleeper", "TIMER_STARTED")
    await sleeper.cancel()
    try:
        await asyncio.wait_for(sleeper.result(), 30)
    except WorkflowFailureError as err:
        out["cancelled"] = type(err.cause).__name__
    out["sleeperStatus"] = (await sleeper.describe()).status.name
    out["cleanedUp"] = await sleeper.query(Sleeper.cleaned_up)
    out["sleeperEvents"] = types(await events_of(client, "sleeper"))
    await stop(worker)
    return out


async def scenario_testing_environment() -> dict:
    from temporalio.testing import WorkflowEnvironment

    await fresh_client()
    env = await WorkflowEnvironment.start_time_skipping()
    before = await env.get_current_time()
    await env.sleep(timedelta(days=5))
    after = await env.get_current_time()
    _, worker = await start_worker(env.client, [c.InvoiceWorkflow], [c.payment_gateway])
    handle = await env.client.start_workflow(c.InvoiceWorkflow.run, INVOICE, id="inv-env", task_queue="invoice-task-queue")
    await handle.signal("ApproveInvoice")
    result = await asyncio.wait_for(handle.result(), 30)
    await env.shutdown()
    await stop(worker)
    return {"skippedSeconds": (after - before).total_seconds(), "result": result}


async def scenario_server_restart() -> dict:
    import js_bridge

    client = await fresh_client()
    runs["payment_gateway"] = 0
    _, worker = await start_worker(client, [c.InvoiceWorkflow], [counted_payment_gateway])
    handle = await client.start_workflow(c.InvoiceWorkflow.run, INVOICE, id="inv-restart", task_queue="invoice-task-queue")
    await handle.signal("ApproveInvoice")
    waiting = asyncio.create_task(handle.result())  # a long poll in flight across the restart
    await wait_for_event(client, "inv-restart", "ACTIVITY_TASK_COMPLETED")
    await js_bridge.restart_host()
    result = await asyncio.wait_for(waiting, 60)
    status = await handle.query("GetInvoiceStatus")
    await stop(worker)
    return {"result": result, "status": status, "paid": runs["payment_gateway"]}


async def run(name: str) -> str:
    return json.dumps(await globals()["scenario_" + name]())
