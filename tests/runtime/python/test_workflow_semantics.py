"""Workflow-side semantics: failures, deadlocks, timers, activities, children."""

import asyncio
import time
import unittest
from datetime import datetime, timedelta, timezone

from _support import (activation, commands, fire_timer, init_job, kinds, payload, query_job,
                      resolve_activity_ok, signal_job, value)

from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio._internal.workflow_instance import WorkflowInstance


def run_workflow(cls, *args, deadlock_timeout=2.0, extra_jobs=()):
    defn = workflow._Definition.from_class(cls)
    first = activation(init_job(defn.name, *args), *extra_jobs)
    inst = WorkflowInstance(defn, first, task_queue="tq", deadlock_timeout=deadlock_timeout)
    return inst, inst.activate(first)


@activity.defn(name="charge")
async def charge_card(amount: int) -> str:
    return f"charged {amount}"


@workflow.defn
class Raises:
    @workflow.run
    async def run(self, kind: str) -> None:
        if kind == "app":
            raise ApplicationError("bad invoice", {"id": 7}, type="InvalidInvoice", non_retryable=True)
        raise KeyError("boom")


@workflow.defn
class Spins:
    @workflow.run
    async def run(self) -> None:
        while True:
            pass


@workflow.defn
class SpinsAfterTimer:
    @workflow.run
    async def run(self) -> str:
        await workflow.sleep(1)
        x = 0
        while True:
            x += 1


@workflow.defn(name="AutoApprove")
class AutoApprove:
    def __init__(self) -> None:
        self.approved = None

    @workflow.signal(name="approve")
    def approve_sync(self, by: str) -> None:
        self.approved = by

    @workflow.run
    async def run(self) -> str:
        try:
            await workflow.wait_condition(lambda: self.approved is not None, timeout=timedelta(days=5))
        except asyncio.TimeoutError:
            self.approved = "auto"
        return self.approved


@workflow.defn
class Parallel:
    @workflow.run
    async def run(self, n: int) -> list:
        return list(await asyncio.gather(*[
            workflow.execute_activity(charge_card, i, schedule_to_close_timeout=timedelta(minutes=1))
            for i in range(n)
        ]))


@workflow.defn
class ByName:
    @workflow.run
    async def run(self) -> str:
        return await workflow.execute_activity(
            "charge", args=[5], start_to_close_timeout=timedelta(seconds=3),
            heartbeat_timeout=timedelta(milliseconds=1500), activity_id="my-id",
            retry_policy=RetryPolicy(non_retryable_error_types=["InvalidInvoice"]))


@workflow.defn
class NoTimeout:
    @workflow.run
    async def run(self) -> None:
        await workflow.execute_activity(charge_card, 1)


@workflow.defn
class Deterministic:
    @workflow.run
    async def run(self) -> list:
        return [workflow.now().isoformat(), workflow.random().randint(0, 10**9), str(workflow.uuid4()),
                workflow.info().workflow_id, workflow.info().task_queue, workflow.unsafe.is_replaying()]


@workflow.defn
class Child:
    @workflow.run
    async def run(self, x: int) -> int:
        return x * 2


@workflow.defn
class Parent:
    @workflow.run
    async def run(self) -> int:
        handle = await workflow.start_child_workflow(Child.run, 21, id="child-1")
        return await handle


@workflow.defn
class Looper:
    @workflow.run
    async def run(self, n: int) -> None:
        await workflow.sleep(timedelta(milliseconds=1500))
        workflow.continue_as_new(n + 1)


@workflow.defn
class Cancellable:
    @workflow.run
    async def run(self) -> None:
        await workflow.sleep(timedelta(hours=1))


@workflow.defn
class BadQuery:
    @workflow.query
    async def start_timer(self) -> str:
        await workflow.sleep(1)
        return "never"

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)


@workflow.defn
class ActivityWithTimeout:
    @workflow.run
    async def run(self) -> str:
        try:
            return await asyncio.wait_for(
                workflow.execute_activity(charge_card, 1, start_to_close_timeout=timedelta(seconds=30)), 10)
        except asyncio.TimeoutError:
            return "gave up"


class FailureTest(unittest.TestCase):
    def test_plain_exception_fails_the_task_with_the_users_traceback(self):
        _, done = run_workflow(Raises, "plain")
        self.assertNotIn("successful", done)
        failure = done["failed"]["failure"]
        self.assertEqual(failure["message"], "'boom'")
        self.assertEqual(failure["applicationFailureInfo"]["type"], "KeyError")
        self.assertIn("test_workflow_semantics.py", failure["stackTrace"])
        self.assertIn('raise KeyError("boom")', failure["stackTrace"])
        self.assertNotIn("workflow_instance.py", failure["stackTrace"])

    def test_application_error_fails_the_workflow(self):
        _, done = run_workflow(Raises, "app")
        (cmd,) = commands(done)
        failure = cmd["failWorkflowExecution"]["failure"]
        self.assertEqual(failure["message"], "bad invoice")
        info = failure["applicationFailureInfo"]
        self.assertEqual(info["type"], "InvalidInvoice")
        self.assertTrue(info["nonRetryable"])
        self.assertEqual([value(p) for p in info["details"]["payloads"]], [{"id": 7}])

    def test_missing_timeouts_fail_the_task(self):
        _, done = run_workflow(NoTimeout)
        self.assertIn("start_to_close_timeout or schedule_to_close_timeout", done["failed"]["failure"]["message"])


class DeadlockTest(unittest.TestCase):
    def test_busy_loop_is_a_task_failure_with_the_stack(self):
        began = time.monotonic()
        inst, done = run_workflow(Spins, deadlock_timeout=0.3)
        self.assertLess(time.monotonic() - began, 2.0)
        failure = done["failed"]["failure"]
        self.assertIn("Potential deadlock detected", failure["message"])
        self.assertIn("0.3 second(s)", failure["message"])
        self.assertIn("test_workflow_semantics.py", failure["stackTrace"])
        self.assertIn(", in run\n", failure["stackTrace"])  # the workflow's own frame...
        self.assertNotIn("runpy", failure["stackTrace"])  # ...and nothing of whoever drove it
        # The run is unusable now; every later activation says so again.
        self.assertIn("deadlock", inst.activate(activation(fire_timer(1)))["failed"]["failure"]["message"])

    def test_deadlock_after_a_timer_and_tracing_is_removed_afterwards(self):
        import sys

        inst, done = run_workflow(SpinsAfterTimer, deadlock_timeout=0.2)
        self.assertEqual(kinds(done), ["startTimer"])
        done = inst.activate(activation(fire_timer(1)))
        self.assertIn("Potential deadlock detected", done["failed"]["failure"]["message"])
        self.assertIsNone(sys.gettrace())

    def test_what_counts_as_user_code(self):
        import asyncio as aio
        import temporalio.workflow as twf
        from temporalio._internal.deadlock import _is_user_file

        cache = {}
        self.assertTrue(_is_user_file(__file__, cache))
        self.assertTrue(_is_user_file("<string>", cache))  # exec'd notebook cells
        self.assertFalse(_is_user_file("<frozen importlib._bootstrap>", cache))
        self.assertFalse(_is_user_file(aio.__file__, cache))
        self.assertFalse(_is_user_file(twf.__file__, cache))

    def test_quick_workflows_are_not_flagged(self):
        _, done = run_workflow(Deterministic, deadlock_timeout=0.05)
        self.assertEqual(kinds(done), ["completeWorkflowExecution"])


class TimerAndSignalTest(unittest.TestCase):
    def test_timeout_caught_auto_approves(self):
        inst, done = run_workflow(AutoApprove)
        self.assertEqual(commands(done), [{"startTimer": {"seq": 1, "startToFireTimeout": "432000s"}}])
        done = inst.activate(activation(fire_timer(1)))
        self.assertEqual(value(commands(done)[0]["completeWorkflowExecution"]["result"]), "auto")

    def test_sync_signal_handler_with_name_and_argument(self):
        inst, _ = run_workflow(AutoApprove)
        done = inst.activate(activation(signal_job("approve", "cfo")))
        self.assertEqual(kinds(done), ["cancelTimer", "completeWorkflowExecution"])
        self.assertEqual(value(commands(done)[1]["completeWorkflowExecution"]["result"]), "cfo")

    def test_unknown_signal_is_dropped(self):
        inst, _ = run_workflow(AutoApprove)
        self.assertEqual(commands(inst.activate(activation(signal_job("nope")))), [])

    def test_cancel_workflow(self):
        inst, _ = run_workflow(Cancellable)
        done = inst.activate(activation({"cancelWorkflow": {}}))
        self.assertEqual(commands(done), [{"cancelTimer": {"seq": 1}}, {"cancelWorkflowExecution": {}}])

    def test_query_may_not_start_timers(self):
        inst, _ = run_workflow(BadQuery)
        (cmd,) = commands(inst.activate(activation(query_job("q", "start_timer"))))
        self.assertIn("read-only", cmd["respondToQuery"]["failed"]["message"])


class ActivityTest(unittest.TestCase):
    def test_gather_schedules_all_and_resolves_in_any_order(self):
        inst, done = run_workflow(Parallel, 3)
        self.assertEqual([c["scheduleActivity"]["seq"] for c in commands(done)], [1, 2, 3])
        self.assertEqual(commands(done)[0]["scheduleActivity"]["scheduleToCloseTimeout"], "60s")
        self.assertEqual(commands(inst.activate(activation(resolve_activity_ok(2, "b")))), [])
        done = inst.activate(activation(resolve_activity_ok(3, "c"), resolve_activity_ok(1, "a")))
        self.assertEqual(value(commands(done)[0]["completeWorkflowExecution"]["result"]), ["a", "b", "c"])

    def test_by_name_with_args_and_options(self):
        _, done = run_workflow(ByName)
        body = commands(done)[0]["scheduleActivity"]
        self.assertEqual(body["activityType"], "charge")
        self.assertEqual(body["activityId"], "my-id")
        self.assertEqual(body["cancellationType"], "TRY_CANCEL")  # worker_core.h spells it bare
        self.assertEqual(body["heartbeatTimeout"], "1.500s")
        self.assertEqual([value(p) for p in body["arguments"]], [5])
        self.assertEqual(body["retryPolicy"]["nonRetryableErrorTypes"], ["InvalidInvoice"])
        self.assertEqual(body["retryPolicy"]["maximumAttempts"], 0)

    def test_cancelled_activity_requests_cancel_and_waits_for_resolution(self):
        inst, done = run_workflow(ActivityWithTimeout)
        self.assertEqual(kinds(done), ["startTimer", "scheduleActivity"])
        done = inst.activate(activation(fire_timer(1)))
        self.assertEqual(commands(done), [{"requestCancelActivity": {"seq": 1}}])
        cancelled = {"resolveActivity": {"seq": 1, "result": {"cancelled": {"failure": {
            "message": "Activity cancelled", "activityFailureInfo": {"activityId": "1"},
            "cause": {"message": "Activity cancelled", "canceledFailureInfo": {}}}}}}}
        done = inst.activate(activation(cancelled))
        self.assertEqual(value(commands(done)[0]["completeWorkflowExecution"]["result"]), "gave up")


@workflow.defn
class PlainAsyncio:
    @workflow.run
    async def run(self) -> list:
        order = []

        async def worker(name: str, delay: float) -> None:
            await asyncio.sleep(delay)  # a durable timer, as in the official SDK
            order.append(name)

        tasks = [asyncio.create_task(worker("slow", 10)), asyncio.create_task(worker("fast", 1))]
        await asyncio.wait(tasks)
        try:
            await asyncio.wait_for(workflow.wait_condition(lambda: False), timeout=3)
        except asyncio.TimeoutError:
            order.append("timed out")
        return order


@workflow.defn
class WaitInOrder:
    @workflow.run
    async def run(self) -> list:
        async def one(i: int) -> int:
            await workflow.sleep(10 - i)
            return i

        done, pending = await workflow.wait([one(i) for i in range(5)], return_when=asyncio.FIRST_COMPLETED)
        order = [t.result() for t in done]
        for fut in workflow.as_completed(pending):
            order.append(await fut)
        return order


class AsyncioInWorkflowTest(unittest.TestCase):
    def test_workflow_wait_and_as_completed_start_tasks_in_the_given_order(self):
        inst, done = run_workflow(WaitInOrder)
        # Coroutine i starts timer seq i+1: creation order is the list order.
        self.assertEqual([c["startTimer"]["startToFireTimeout"] for c in commands(done)],
                         ["10s", "9s", "8s", "7s", "6s"])
        done = inst.activate(activation(fire_timer(5), timestamp="2026-01-01T00:00:06Z"))
        self.assertEqual(commands(done), [])
        done = inst.activate(activation(fire_timer(3), fire_timer(4), fire_timer(2), fire_timer(1),
                                        timestamp="2026-01-01T00:00:10Z"))
        self.assertEqual(value(commands(done)[0]["completeWorkflowExecution"]["result"]), [4, 2, 3, 1, 0])

    def test_tasks_sleep_and_timeouts_are_durable(self):
        inst, done = run_workflow(PlainAsyncio)
        self.assertEqual(commands(done), [{"startTimer": {"seq": 1, "startToFireTimeout": "10s"}},
                                          {"startTimer": {"seq": 2, "startToFireTimeout": "1s"}}])
        self.assertEqual(commands(inst.activate(activation(fire_timer(2), timestamp="2026-01-01T00:00:01Z"))), [])
        done = inst.activate(activation(fire_timer(1), timestamp="2026-01-01T00:00:10Z"))
        self.assertEqual(commands(done), [{"startTimer": {"seq": 3, "startToFireTimeout": "3s"}}])
        done = inst.activate(activation(fire_timer(3), timestamp="2026-01-01T00:00:13Z"))
        self.assertEqual(value(commands(done)[0]["completeWorkflowExecution"]["result"]), ["fast", "slow", "timed out"])

    def test_asyncio_notes_do_not_fail_the_task(self):
        # "Future exception was never retrieved" and similar are logs, not failures.
        inst, _ = run_workflow(Cancellable)
        inst.call_exception_handler({"message": "Future exception was never retrieved",
                                     "exception": ValueError("x"), "future": None})
        self.assertIn("successful", inst.activate(activation({"cancelWorkflow": {}})))


@workflow.defn
class CancelsActivities:
    @workflow.run
    async def run(self, how: str) -> str:
        kind = workflow.ActivityCancellationType[how]
        handle = workflow.start_activity(charge_card, 1, start_to_close_timeout=timedelta(seconds=5),
                                         cancellation_type=kind)
        if how == "TRY_CANCEL":
            handle.cancel()  # in the same activation as the schedule
        else:
            await workflow.sleep(1)
            handle.cancel()
        try:
            await handle
        except asyncio.CancelledError:
            return "cancelled"
        return "done"


class ActivityCancellationTest(unittest.TestCase):
    def test_cancel_before_it_left_the_activation_drops_the_schedule(self):
        _, done = run_workflow(CancelsActivities, "TRY_CANCEL")
        self.assertEqual(commands(done)[0]["completeWorkflowExecution"]["result"], payload("cancelled"))
        self.assertEqual(kinds(done), ["completeWorkflowExecution"])

    def test_abandon_sends_no_cancel_request(self):
        inst, done = run_workflow(CancelsActivities, "ABANDON")
        self.assertEqual(kinds(done), ["scheduleActivity", "startTimer"])
        done = inst.activate(activation(fire_timer(1)))
        self.assertEqual(kinds(done), ["completeWorkflowExecution"])
        self.assertEqual(value(commands(done)[0]["completeWorkflowExecution"]["result"]), "cancelled")


class DeterminismTest(unittest.TestCase):
    def test_now_random_uuid_come_from_the_activation(self):
        results = []
        for _ in range(2):
            _, done = run_workflow(Deterministic)
            results.append(value(commands(done)[0]["completeWorkflowExecution"]["result"]))
        self.assertEqual(results[0], results[1])
        self.assertEqual(results[0][0], datetime(2026, 1, 1, tzinfo=timezone.utc).isoformat())
        self.assertEqual(results[0][3:], ["wf-1", "tq", False])


@workflow.defn
class SignalsAfterClose:
    def __init__(self) -> None:
        self.n = 0
        self.done = False

    @workflow.signal
    async def poke(self) -> None:
        self.n += 1
        await workflow.wait_condition(lambda: self.done)
        await workflow.sleep(5)  # runs after the workflow returned

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self.n > 0)
        self.done = True
        return self.n


class ChildAndContinueAsNewTest(unittest.TestCase):
    def test_closing_command_is_last(self):
        inst, _ = run_workflow(SignalsAfterClose)
        done = inst.activate(activation(signal_job("poke")))
        # The handler's timer comes after the run returned: dropped, so the
        # closing command is the last (and only) one, as the core requires.
        self.assertEqual(kinds(done), ["completeWorkflowExecution"])
        self.assertEqual(value(commands(done)[0]["completeWorkflowExecution"]["result"]), 1)

    def test_child_workflow_start_and_result(self):
        inst, done = run_workflow(Parent)
        (cmd,) = commands(done)
        body = cmd["startChildWorkflowExecution"]
        self.assertEqual((body["seq"], body["workflowId"], body["workflowType"], body["taskQueue"]),
                         (1, "child-1", "Child", "tq"))
        self.assertEqual([value(p) for p in body["input"]], [21])
        done = inst.activate(activation(
            {"resolveChildWorkflowExecutionStart": {"seq": 1, "succeeded": {"runId": "child-run"}}},
            {"resolveChildWorkflowExecution": {"seq": 1, "result": {"completed": {"result": payload(42)}}}}))
        self.assertEqual(value(commands(done)[0]["completeWorkflowExecution"]["result"]), 42)

    def test_cancelling_the_parent_cancels_the_child_and_waits_for_it(self):
        inst, _ = run_workflow(Parent)
        inst.activate(activation({"resolveChildWorkflowExecutionStart": {"seq": 1, "succeeded": {"runId": "c"}}}))
        done = inst.activate(activation({"cancelWorkflow": {}}))
        # WAIT_CANCELLATION_COMPLETED (the default): ask, then wait for the child's outcome.
        self.assertEqual(commands(done), [{"cancelChildWorkflowExecution": {"childWorkflowSeq": 1}}])
        cancelled = {"resolveChildWorkflowExecution": {"seq": 1, "result": {"cancelled": {"failure": {
            "message": "Child cancelled", "childWorkflowExecutionFailureInfo": {},
            "cause": {"message": "cancelled", "canceledFailureInfo": {}}}}}}}
        self.assertEqual(commands(inst.activate(activation(cancelled))), [{"cancelWorkflowExecution": {}}])

    def test_continue_as_new(self):
        inst, done = run_workflow(Looper, 1)
        self.assertEqual(commands(done), [{"startTimer": {"seq": 1, "startToFireTimeout": "1.500s"}}])
        (cmd,) = commands(inst.activate(activation(fire_timer(1))))
        body = cmd["continueAsNewWorkflowExecution"]
        self.assertEqual((body["workflowType"], body["taskQueue"]), ("Looper", "tq"))
        self.assertEqual([value(p) for p in body["arguments"]], [2])

    def test_returned_completion_is_not_edited_by_later_finalizers(self):
        # Regression: an abandoned instance's coroutine, closed by the garbage
        # collector, cancels its timer handle; that used to delete the
        # startTimer from the completion already handed to the caller.
        inst, done = run_workflow(Cancellable)
        inst._primary_task.get_coro().close()  # what the GC does to a dropped run
        self.assertEqual(commands(done), [{"startTimer": {"seq": 1, "startToFireTimeout": "3600s"}}])

    def test_eviction_cancels_everything_quietly(self):
        inst, _ = run_workflow(Cancellable)
        done = inst.activate(activation({"removeFromCache": {"message": "evicted"}}))
        self.assertEqual(commands(done), [])
        self.assertEqual(len(inst._tasks), 0)


class DefinitionTest(unittest.TestCase):
    def test_defn_requires_async_run(self):
        with self.assertRaises(ValueError):
            @workflow.defn
            class NoRun:
                pass

    def test_names(self):
        self.assertEqual(workflow._Definition.from_class(AutoApprove).name, "AutoApprove")
        self.assertEqual(set(workflow._Definition.from_class(AutoApprove).signals), {"approve"})
        self.assertIs(workflow._Definition.from_run_fn(Child.run).cls, Child)

    def test_outside_a_workflow(self):
        with self.assertRaises(RuntimeError):
            workflow.info()
        self.assertFalse(workflow.in_workflow())


if __name__ == "__main__":
    unittest.main()
