"""The Worker's poll loops, activity execution and workflow-task plumbing,
against FakeRpc/FakeCore (the real engine and core are tested under Node)."""

import asyncio
import base64
import unittest
from datetime import timedelta

from _support import activation, init_job, payload, query_job, value
from fakes import FakeCore, FakeRpc, wait_until

import chapter_cells
from temporalio import activity, workflow
from temporalio._internal import host
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker


@activity.defn
async def always_fails(x: int) -> None:
    raise ApplicationError("card declined", type="CardDeclined", non_retryable=True)


@activity.defn
async def crashes() -> None:
    {}["missing"]


gate = {}


@activity.defn(name="waiter")
async def wait_for_partner(me: str, partner: str) -> str:
    # Finishes only when its partner has started: proves activities run concurrently.
    gate.setdefault(me, asyncio.Event()).set()
    await gate.setdefault(partner, asyncio.Event()).wait()
    return me


@activity.defn
async def beats() -> str:
    activity.heartbeat("half", 50)
    info = activity.info()
    return f"{info.activity_type}/{info.attempt}/{info.workflow_id}"


cancel_seen = []


@activity.defn
async def slow_heartbeater() -> None:
    try:
        while True:
            activity.heartbeat()
            await asyncio.sleep(0.01)
    except asyncio.CancelledError:
        cancel_seen.append("cancelled" if activity.is_cancelled() else "other")
        raise


@workflow.defn
class Spinner:
    @workflow.run
    async def run(self) -> None:
        while True:
            pass


def activity_task(token, name, *args, attempt=1):
    return {"taskToken": base64.b64encode(token.encode()).decode(), "activityType": {"name": name},
            "activityId": "1", "attempt": attempt, "input": {"payloads": [payload(a) for a in args]},
            "workflowExecution": {"workflowId": "wf-1", "runId": "run-1"}, "workflowType": {"name": "W"},
            "startToCloseTimeout": "30s"}


class WorkerTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.rpc = FakeRpc()
        self.cores = []

        def make_core(options_json):
            core = FakeCore(options_json)
            self.cores.append(core)
            return core

        host.install(rpc=self.rpc, core_factory=make_core)
        self.client = await Client.connect("localhost:7233")

    async def asyncTearDown(self):
        host.uninstall()

    def start(self, **kwargs):
        kwargs.setdefault("task_queue", "invoice-task-queue")
        self.worker = Worker(self.client, **kwargs)
        self.run_task = asyncio.ensure_future(self.worker.run())
        return self.run_task

    async def stop(self):
        self.run_task.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await self.run_task

    def responses(self, method):
        return self.rpc.requests(method)

    async def test_activities_complete_fail_and_run_concurrently(self):
        self.start(activities=[chapter_cells.payment_gateway, always_fails, crashes, wait_for_partner, beats])
        q = self.rpc.queue("PollActivityTaskQueue")
        q.put_nowait(activity_task("t1", "payment_gateway", {"description": "Widget A", "amount": 100}))
        q.put_nowait(activity_task("t2", "always_fails", 1))
        q.put_nowait(activity_task("t3", "crashes"))
        q.put_nowait(activity_task("t4", "nope"))
        q.put_nowait(activity_task("t5", "waiter", "a", "b"))
        q.put_nowait(activity_task("t6", "waiter", "b", "a"))
        q.put_nowait(activity_task("t7", "beats", attempt=3))
        await wait_until(lambda: len(self.responses("RespondActivityTaskCompleted")) == 4
                         and len(self.responses("RespondActivityTaskFailed")) == 3)
        done = {base64.b64decode(r["taskToken"]).decode(): value(r["result"]["payloads"][0])
                for r in self.responses("RespondActivityTaskCompleted")}
        self.assertEqual(done, {"t1": True, "t5": "a", "t6": "b", "t7": "beats/3/wf-1"})
        failed = {base64.b64decode(r["taskToken"]).decode(): r["failure"] for r in self.responses("RespondActivityTaskFailed")}
        self.assertEqual(failed["t2"]["message"], "card declined")
        self.assertEqual(failed["t2"]["applicationFailureInfo"], {"type": "CardDeclined", "nonRetryable": True})
        self.assertEqual(failed["t3"]["applicationFailureInfo"]["type"], "KeyError")
        self.assertIn("test_worker.py", failed["t3"]["stackTrace"])
        self.assertIn('{}["missing"]', failed["t3"]["stackTrace"])
        self.assertEqual(failed["t4"]["applicationFailureInfo"]["type"], "NotFoundError")
        self.assertIn("available activities:", failed["t4"]["message"])
        (hb,) = self.responses("RecordActivityTaskHeartbeat")
        self.assertEqual([value(p) for p in hb["details"]["payloads"]], ["half", 50])
        await self.stop()

    async def test_workflow_tasks_go_through_the_core(self):
        asyncio.get_running_loop().slow_callback_duration = 5  # the deadlock case blocks 0.2 s on purpose
        self.start(workflows=[chapter_cells.InvoiceWorkflow, Spinner], activities=[chapter_cells.payment_gateway],
                   deadlock_timeout=0.2)
        await wait_until(lambda: self.cores)
        options = self.cores[0].options
        self.assertEqual(set(options), {"identity", "taskQueue", "stickyTaskQueue", "maxCachedRuns", "stickyScheduleToStartTimeoutMs"})
        self.assertEqual(options["taskQueue"], "invoice-task-queue")
        self.assertEqual(options["stickyScheduleToStartTimeoutMs"], 10_000)  # the official SDK's default
        self.assertTrue(options["stickyTaskQueue"].startswith("invoice-task-queue/sticky/"))
        await wait_until(lambda: len(self.responses("PollWorkflowTaskQueue")) == 2)
        queues = sorted((r["taskQueue"]["kind"], r["taskQueue"]["name"]) for r in self.responses("PollWorkflowTaskQueue"))
        self.assertEqual(queues, [("TASK_QUEUE_KIND_NORMAL", "invoice-task-queue"),
                                  ("TASK_QUEUE_KIND_STICKY", options["stickyTaskQueue"])])
        q = self.rpc.queue("PollWorkflowTaskQueue")
        q.put_nowait({"taskToken": "wt1", "activation": activation(init_job("InvoiceWorkflow", {"lines": []}))})
        await wait_until(lambda: self.responses("RespondWorkflowTaskCompleted"))
        (resp,) = self.responses("RespondWorkflowTaskCompleted")
        self.assertEqual(resp, {"taskToken": "wt1", "commands": [{"startTimer": {"seq": 1, "startToFireTimeout": "432000s"}}]})

        # A run that deadlocks fails its task; the worker keeps serving others.
        q.put_nowait({"taskToken": "wt2", "activation": activation(init_job("Spinner"), run_id="run-2")})
        q.put_nowait({"taskToken": "wt3", "activation": activation(query_job("q1", "GetInvoiceStatus"))})
        await wait_until(lambda: len(self.responses("RespondWorkflowTaskCompleted")) == 2)
        (failed,) = self.responses("RespondWorkflowTaskFailed")
        self.assertIn("Potential deadlock detected", failed["failure"]["message"])
        answer = self.responses("RespondWorkflowTaskCompleted")[1]["commands"][0]["respondToQuery"]
        self.assertEqual(value(answer["succeeded"]["response"]), "PENDING-APPROVAL")
        self.assertNotIn("run-2", self.worker._instances)  # dropped: it must be rebuilt by replay

        # Unknown workflow type and an uncached run are task failures with a reason.
        q.put_nowait({"taskToken": "wt4", "activation": activation(init_job("Nope"), run_id="run-3")})
        q.put_nowait({"taskToken": "wt5", "activation": activation(query_job("q", "x"), run_id="run-4")})
        await wait_until(lambda: len(self.responses("RespondWorkflowTaskFailed")) == 3)
        messages = [r["failure"]["message"] for r in self.responses("RespondWorkflowTaskFailed")[1:]]
        self.assertIn("Workflow class Nope is not registered on this worker", messages[0])
        self.assertIn("not in this worker's cache", messages[1])

        # Evictions in a core result drop the instance before the activation runs.
        self.assertIn("run-1", self.worker._instances)
        q.put_nowait({"taskToken": "wt6", "evictions": [{"runId": "run-1", "jobs": [{"removeFromCache": {}}]}],
                      "activation": activation(query_job("q2", "GetInvoiceStatus"))})
        await wait_until(lambda: len(self.responses("RespondWorkflowTaskFailed")) == 4)
        self.assertNotIn("run-1", self.worker._instances)
        self.assertIn("not in this worker's cache", self.responses("RespondWorkflowTaskFailed")[3]["failure"]["message"])

        # A partial history for an uncached run: the worker fetches the full one and retries.
        self.cores[0].need_full_history.add("run-5")
        self.rpc.handlers["GetWorkflowExecutionHistory"] = lambda r: {"history": {"events": [{"eventId": "1"}]}}
        q.put_nowait({"taskToken": "wt7", "workflowExecution": {"workflowId": "wf-5", "runId": "run-5"},
                      "history": {"events": []},
                      "activation": activation(init_job("InvoiceWorkflow", {"lines": []}), run_id="run-5")})
        await wait_until(lambda: len(self.responses("RespondWorkflowTaskCompleted")) == 3)
        (fetch,) = self.responses("GetWorkflowExecutionHistory")
        self.assertEqual(fetch["execution"], {"workflowId": "wf-5", "runId": "run-5"})
        self.assertEqual(self.cores[0].polls[-1]["history"], {"events": [{"eventId": "1"}]})
        await self.stop()

    async def test_nondeterminism_report_names_the_users_line(self):
        self.start(workflows=[chapter_cells.InvoiceWorkflow], activities=[chapter_cells.payment_gateway])
        await wait_until(lambda: self.cores)
        self.cores[0].nondeterminism = ("nondeterminism: event 5 is ActivityTaskScheduled (activityType payment_gateway) "
                                        "but the workflow produced StartTimer (timerId 2, seq 2)")
        self.rpc.queue("PollWorkflowTaskQueue").put_nowait({"taskToken": "wt1", "activation": activation(
            init_job("InvoiceWorkflow", {"lines": [{"description": "A"}]}), {"signalWorkflow": {
                "signalName": "ApproveInvoice", "input": []}})})
        await wait_until(lambda: self.responses("RespondWorkflowTaskFailed"))
        (failed,) = self.responses("RespondWorkflowTaskFailed")
        trace = failed["failure"]["stackTrace"]
        import inspect
        lines, first = inspect.getsourcelines(chapter_cells.InvoiceWorkflow.run)
        sleep_line = first + next(i for i, l in enumerate(lines) if "workflow.sleep(timedelta(seconds=2))" in l)
        self.assertIn(f'StartTimer (seq 2) was produced at File "{chapter_cells.__file__}", line {sleep_line}, in run', trace)
        self.assertNotIn("run-1", self.worker._instances)  # evicted: the next task replays from scratch
        await self.stop()

    async def test_cancel_stops_polls_and_tells_the_host(self):
        task = self.start(workflows=[chapter_cells.InvoiceWorkflow], activities=[chapter_cells.payment_gateway])
        await wait_until(lambda: len(self.rpc.calls) == 3)  # all long polls are waiting
        self.assertEqual(sorted(m for m, _ in self.rpc.calls),
                         ["PollActivityTaskQueue", "PollWorkflowTaskQueue", "PollWorkflowTaskQueue"])
        await asyncio.sleep(0.05)
        self.assertEqual(len(self.rpc.calls), 3)  # waiting, not spinning
        await self.stop()
        self.assertEqual(len(self.rpc.cancelled), 3)
        self.assertTrue(task.cancelled())

    async def test_heartbeat_reply_cancels_the_activity(self):
        self.rpc.handlers["RecordActivityTaskHeartbeat"] = lambda r: {"cancelRequested": True}
        self.start(activities=[slow_heartbeater])
        self.rpc.queue("PollActivityTaskQueue").put_nowait(activity_task("t1", "slow_heartbeater"))
        await wait_until(lambda: self.responses("RespondActivityTaskCanceled"))
        (cancelled,) = self.responses("RespondActivityTaskCanceled")
        self.assertEqual(base64.b64decode(cancelled["taskToken"]).decode(), "t1")
        self.assertEqual(self.responses("RespondActivityTaskFailed"), [])
        self.assertEqual(cancel_seen, ["cancelled"])
        await self.stop()

    async def test_shutdown_ends_run(self):
        task = self.start(activities=[chapter_cells.payment_gateway])
        await wait_until(lambda: self.rpc.calls)
        await self.worker.shutdown()
        await asyncio.wait_for(task, 2)
        self.assertTrue(task.done() and not task.cancelled())
        self.assertEqual(len(self.rpc.cancelled), 1)  # its poll was given up

    async def test_a_core_that_breaks_does_not_stop_the_worker(self):
        self.start(workflows=[chapter_cells.InvoiceWorkflow], activities=[chapter_cells.payment_gateway])
        await wait_until(lambda: self.cores)
        q = self.rpc.queue("PollWorkflowTaskQueue")
        q.put_nowait({"taskToken": "bad"})  # FakeCore raises KeyError: no activation in it
        q.put_nowait({"taskToken": "wt2", "activation": activation(init_job("InvoiceWorkflow", {"lines": []}))})
        await wait_until(lambda: self.responses("RespondWorkflowTaskCompleted"))
        self.assertFalse(self.run_task.done())
        await self.stop()

    async def test_worker_needs_something_to_run(self):
        with self.assertRaises(ValueError):
            Worker(self.client, task_queue="q")
        with self.assertRaises(TypeError):
            Worker(self.client, task_queue="q", activities=[lambda: None])
        with self.assertRaisesRegex(ValueError, "sticky_queue_schedule_to_start_timeout must be positive"):
            Worker(self.client, task_queue="q", activities=[chapter_cells.payment_gateway],
                   sticky_queue_schedule_to_start_timeout=timedelta(0))


class ChapterImportsTest(unittest.TestCase):
    def test_chapter_cells_import_unchanged(self):
        import nest_asyncio
        from temporalio import activity as a, workflow as w
        from temporalio.client import Client as C
        from temporalio.common import RetryPolicy
        from temporalio.worker import Worker as W

        self.assertIsNone(nest_asyncio.apply())
        self.assertEqual(workflow._Definition.from_class(chapter_cells.InvoiceWorkflow).name, "InvoiceWorkflow")
        self.assertEqual(set(workflow._Definition.from_class(chapter_cells.InvoiceWorkflow).signals),
                         {"ApproveInvoice", "RejectInvoice"})
        self.assertEqual(RetryPolicy(maximum_interval=timedelta(seconds=30)).maximum_interval.seconds, 30)
        for module in ("temporalio", "temporalio.workflow", "temporalio.activity", "temporalio.client"):
            self.assertIn("not the official", __import__(module, fromlist=["x"]).__doc__.replace("NOT", "not"))


if __name__ == "__main__":
    unittest.main()
