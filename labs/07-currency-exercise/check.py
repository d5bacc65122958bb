"""Lab 07's check: the currency conversion exercise (see README.md).

Runs the attendee's worker.py on a private engine, and calls the tools of
their mcp_servers/currency.py directly, through FastMCP's own API
(await mcp.call_tool(name, arguments)), as the page's MCP client would over
the wire. The 5-day wait is skipped on the engine's clock.
"""

import contextlib
from datetime import timedelta

from durable_lab.checks import Check, StepFailure, expect, expect_equal
from temporalio.service import RPCError

check = Check("Lab 07: a durable currency conversion with MCP tools")

TASK_QUEUE = "currency-task-queue"
WORKFLOW = "CurrencyConversionWorkflow"
FIVE_DAYS = timedelta(days=5)
REQUEST = {"amount": 250, "currency": "EUR"}
CONVERSION = {"amount": 250, "currency": "EUR", "rate": 1.08, "converted_amount": 270.0, "target_currency": "USD"}
SERVER = "mcp_servers/currency.py"


def activity_names(history) -> list:
    return [(a.get("activityType") or {}).get("name") for a in history.attributes("ACTIVITY_TASK_SCHEDULED")]


async def start_converted(lab, request=REQUEST):
    """Starts the workflow and returns once its convert activity has completed."""
    handle = await lab.start_workflow(WORKFLOW, request)
    await lab.wait_for_event(handle, "ACTIVITY_TASK_COMPLETED")
    return handle


async def start_waiting(lab):
    """Starts the workflow and returns once it waits on its 5-day timer."""
    handle = await lab.start_workflow(WORKFLOW, REQUEST)
    await lab.wait_for_event(handle, "TIMER_STARTED")
    return handle


def mcp_server(lab):
    """The FastMCP server of the attendee's mcp_servers/currency.py."""
    server = getattr(lab.module("mcp_servers.currency"), "mcp", None)
    expect(server is not None, expected=f"{SERVER} to create mcp = FastMCP(\"currency\")",
           happened=f"{SERVER} has no mcp")
    return server


async def call_tool(lab, name: str, arguments: dict) -> dict:
    """Calls one tool; its CallToolResult. An unknown tool or an error result fails the step."""
    server = mcp_server(lab)
    tools = [tool["name"] for tool in await server.list_tools()]
    expect(name in tools, expected=f"a tool {name} in {SERVER}",
           happened=f"{SERVER}'s tools are {', '.join(tools) or 'none'}")
    result = await server.call_tool(name, arguments)
    if result.get("isError"):
        raise StepFailure(f"the tool {name} answered with an error: {tool_text(result)}",
                          expected=f"{name} to succeed")
    return result


def tool_text(result: dict) -> str:
    return "\n".join(c.get("text", "") for c in result.get("content") or [] if c.get("type") == "text")


worker_runs = check.worker_step(task_queue=TASK_QUEUE, workflows=[WORKFLOW], activities=["convert", "add_to_database"])


@check.step(
    "convert turns 250 EUR into 270.00 USD with the rate table, and refuses an unknown currency at once",
    hint="Keep activities.py as given: convert looks the currency up in RATES_TO_USD, and raises a non-retryable "
         "ApplicationError for a currency the table does not have. In workflows.py, run(...) calls "
         "workflow.execute_activity(convert, request, ...) first.",
    needs=[worker_runs],
)
async def converts_with_the_rate_table(lab):
    handle = await start_converted(lab)
    history = await lab.history(handle)
    payloads = (history.attributes("ACTIVITY_TASK_COMPLETED")[0].get("result") or {}).get("payloads") or []
    converted = lab.client.data_converter.payload_converter.from_payloads(payloads[:1])[0] if payloads else None
    expect_equal(converted, CONVERSION, "convert's result for 250 EUR")

    unknown = await lab.start_workflow(WORKFLOW, {"amount": 5, "currency": "XYZ"})
    outcome = await lab.outcome(unknown)
    attempts = [a.get("attempt") for a in outcome.history.attributes("ACTIVITY_TASK_STARTED")]
    expect(outcome.status == "FAILED" and "UnknownCurrency" in (outcome.failure or "") and attempts == [1],
           expected="a conversion of XYZ to fail for good on its first attempt (UnknownCurrency, not retried)",
           happened=f"the workflow {outcome.describe()}, after {attempts[-1] if attempts else 0} attempt(s)")


@check.step(
    "A flaky exchange-rate service is retried until it answers",
    hint="In workflows.py, keep retry_policy=RetryPolicy(initial_interval=timedelta(seconds=1), "
         "maximum_interval=timedelta(seconds=30), maximum_attempts=5) on the convert activity, and let convert's "
         "RuntimeError leave the activity: Temporal retries it.",
    needs=[converts_with_the_rate_table],
)
async def retries_a_flaky_service(lab):
    handle = await lab.start_workflow(WORKFLOW, {**REQUEST, "fail_attempts": 2})
    history = await lab.wait_for_event(handle, "ACTIVITY_TASK_COMPLETED", timeout=20)
    started = history.attributes("ACTIVITY_TASK_STARTED")
    attempt = started[0].get("attempt") if started else 0
    expect(attempt == 3, expected="convert to fail on attempts 1 and 2 and answer on attempt 3",
           happened=f"convert answered on attempt {attempt}")


@check.step(
    "The GetConversionAmount query answers the converted amount (None before convert has answered)",
    hint="In workflows.py, at TODO(query): @workflow.query(name=\"GetConversionAmount\") above "
         "def get_conversion_amount(self) -> float | None: return self.converted_amount.",
    needs=[converts_with_the_rate_table],
)
async def query_answers_the_amount(lab):
    queries = lab.worker.queries(WORKFLOW)
    expect("GetConversionAmount" in queries, expected=f"a GetConversionAmount query on {WORKFLOW}",
           happened=f"{WORKFLOW}'s queries are {', '.join(queries) or 'none'}")
    # Three failed attempts first: 1 s + 2 s + 4 s of backoff, time to ask before the amount exists.
    slow = await lab.start_workflow(WORKFLOW, {**REQUEST, "fail_attempts": 3})
    await lab.wait_for_event(slow, "ACTIVITY_TASK_SCHEDULED")
    expect_equal(await slow.query("GetConversionAmount"), None, "GetConversionAmount before convert has answered")
    handle = await start_converted(lab)
    expect_equal(await handle.query("GetConversionAmount"), 270.0, "GetConversionAmount after converting 250 EUR")


@check.step(
    "The workflow waits up to 5 days for a confirmation before it stores anything",
    hint="In workflows.py, at TODO(wait): await workflow.wait_condition(lambda: self.confirmed, "
         "timeout=timedelta(days=5)), after the conversion and before add_to_database.",
    needs=[converts_with_the_rate_table],
)
async def waits_for_a_confirmation(lab):
    handle = await start_converted(lab)
    history = await lab.wait_for_event(handle, "WORKFLOW_TASK_COMPLETED", count=2)
    if history.close_type is not None:
        outcome = await lab.outcome(handle)
        raise StepFailure(f"the workflow {outcome.describe()} at once, without waiting",
                          expected="the workflow to wait for ConfirmDatabaseAdd")
    timers = history.timers()
    expect(timers == [FIVE_DAYS], expected="one timer of 5 days: the deadline of the wait",
           happened="the workflow started " + (", ".join(f"a timer of {t}" for t in timers) or "no timer"))
    await lab.skip_time(timedelta(days=1))
    history = await lab.history(handle)
    expect(history.close_type is None and "add_to_database" not in activity_names(history),
           expected="the workflow still waiting a day later, with nothing stored",
           happened=f"a day later, {history.describe_end()}")


@check.step(
    "ConfirmDatabaseAdd makes the workflow store the conversion",
    hint="In workflows.py, at TODO(signal): @workflow.signal(name=\"ConfirmDatabaseAdd\") above "
         "async def confirm_database_add(self) -> None, whose body sets self.confirmed = True.",
    needs=[waits_for_a_confirmation],
)
async def confirm_stores_it(lab):
    signals = lab.worker.signals(WORKFLOW)
    expect("ConfirmDatabaseAdd" in signals, expected=f"a ConfirmDatabaseAdd signal on {WORKFLOW}",
           happened=f"{WORKFLOW}'s signals are {', '.join(signals) or 'none'}")
    handle = await start_waiting(lab)
    await handle.signal("ConfirmDatabaseAdd")
    result = await lab.result(handle)
    expect_equal(result, {"status": "ADDED_TO_DATABASE", "record_id": handle.id, **CONVERSION}, "the workflow's result")
    expect_equal(activity_names(await lab.history(handle)), ["convert", "add_to_database"], "the activities it ran")


@check.step(
    "Without a confirmation for 5 days, the conversion expires and is not stored",
    hint="When its timeout passes, wait_condition raises asyncio.TimeoutError. At TODO(expire), put the wait in "
         "try: ... except asyncio.TimeoutError: return {\"status\": \"EXPIRED\", **conversion}.",
    needs=[waits_for_a_confirmation],
)
async def expires_after_five_days(lab):
    async with lab.skipping_time():
        handle = await lab.start_workflow(WORKFLOW, REQUEST)
        outcome = await lab.outcome(handle)
    expect(outcome.status == "COMPLETED" and outcome.result == {"status": "EXPIRED", **CONVERSION},
           expected='the workflow to return {"status": "EXPIRED", ...the conversion} after 5 days',
           happened=f"5 days without a confirmation, and the workflow {outcome.describe()}")
    elapsed = outcome.history.elapsed()
    expect(elapsed >= FIVE_DAYS, expected="the workflow to wait the full 5 days first",
           happened=f"it ended {elapsed} after it started")
    expect_equal(activity_names(outcome.history), ["convert"], "the activities it ran")


@check.step(
    "The MCP tool convert_currency starts a CurrencyConversionWorkflow on currency-task-queue",
    hint=f"In {SERVER}, at TODO(start), give client.start_workflow the workflow type and its input, "
         "\"CurrencyConversionWorkflow\", request, and task_queue=\"currency-task-queue\".",
    needs=[worker_runs],
)
async def tool_starts_a_conversion(lab):
    result = await call_tool(lab, "convert_currency", {"request": REQUEST})
    ids = result.get("structuredContent") or {}
    expect(ids.get("workflow_id") and ids.get("run_id"), expected='{"workflow_id": ..., "run_id": ...} as the result',
           happened=f"convert_currency answered {tool_text(result)}")
    handle = lab.client.get_workflow_handle(ids["workflow_id"], run_id=ids["run_id"])
    try:
        description = await handle.describe()
        expect((description.workflow_type, description.task_queue) == (WORKFLOW, TASK_QUEUE),
               expected=f"a {WORKFLOW} on {TASK_QUEUE}",
               happened=f"it started a {description.workflow_type} on {description.task_queue}")
        await lab.wait_for_event(handle, "ACTIVITY_TASK_COMPLETED")
    finally:
        with contextlib.suppress(RPCError):  # the check's own workflows end with their step
            await handle.terminate(reason="the check's step is over")


@check.step(
    "The MCP tool get_conversion_amount answers the amount in USD",
    hint=f"In {SERVER}, at TODO(amount-tool): @mcp.tool() above async def get_conversion_amount(workflow_id: str, "
         "run_id: str) -> str, which gets the handle with client.get_workflow_handle(workflow_id=workflow_id, "
         "run_id=run_id), awaits handle.query(\"GetConversionAmount\") and returns the amount, e.g. f\"{amount:.2f} USD\".",
    needs=[query_answers_the_amount],
)
async def tool_reads_the_amount(lab):
    handle = await start_converted(lab)
    result = await call_tool(lab, "get_conversion_amount", {"workflow_id": handle.id, "run_id": handle.result_run_id})
    said = tool_text(result)
    expect("270" in said, expected="an answer with the converted amount, 270.00 USD", happened=f"it answered {said!r}")


@check.step(
    "The MCP tool confirm_database_add confirms the conversion, which is then stored",
    hint=f"In {SERVER}, at TODO(confirm-tool): @mcp.tool() above async def confirm_database_add(workflow_id: str, "
         "run_id: str) -> str, which gets the handle with client.get_workflow_handle(workflow_id=workflow_id, "
         "run_id=run_id), awaits handle.signal(\"ConfirmDatabaseAdd\") and returns \"CONFIRMED\".",
    needs=[confirm_stores_it],
)
async def tool_confirms(lab):
    handle = await start_waiting(lab)
    await call_tool(lab, "confirm_database_add", {"workflow_id": handle.id, "run_id": handle.result_run_id})
    signaled = (await lab.wait_for_event(handle, "WORKFLOW_EXECUTION_SIGNALED")).attributes("WORKFLOW_EXECUTION_SIGNALED")
    expect_equal(signaled[0].get("signalName"), "ConfirmDatabaseAdd", "the signal confirm_database_add sent")
    expect_equal((await lab.result(handle)).get("status"), "ADDED_TO_DATABASE", "the workflow's status")


if __name__ == "__main__":
    check.run()
