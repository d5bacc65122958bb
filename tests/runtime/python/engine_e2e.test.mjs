// Issue 3's runtime scenarios: the chapter's Python code in Pyodide against
// engine.wasm. Python client + Worker -> JS rpc -> ServerHost (the "Temporal
// server"), and the WorkerCore replay core from the same engine.wasm. Every
// scenario gets a fresh engine; one Pyodide serves them all.
//
//   node --import tsx --test tests/runtime/python/engine_e2e.test.mjs
//
// Env: ENGINE_DIR (engine.mjs + engine.wasm; default web/public/engine).
//
// rpc and core_factory are the Python process host's own (web/src/processes/
// host-interfaces.ts); the rpc goes to whichever ServerHost is current, so a
// scenario can restart the server under a running worker. Cancelled asyncio
// timers clear their JS timers (durable_lab_process.install_cancellable_timers),
// so the process ends as soon as the last test does.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { before, after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ServerHost } from "../../../web/src/server/host.ts";
import { MemoryBatchStore } from "../../../web/src/server/store/memory-store.ts";
import { loadEngineModuleNode } from "../../../web/src/server/node.ts";
import { createCoreFactory, createRpc } from "../../../web/src/processes/host-interfaces.ts";
import { installPackages } from "../../../web/src/processes/python-process.ts";
import { loadPyodideNode, readPythonPackages } from "../../../web/src/processes/node.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");

let py;
let engine;
let host = null;
const cores = [];
const rpc = createRpc({ call: (method, request, options) => host.call(method, request, options) });
let store = null;
async function newHost() {
  await host?.close();
  store = new MemoryBatchStore();
  host = new ServerHost({ engine, store, engineOptions: { longPollTimeoutMs: 5_000 } });
  await host.open();
}
// The server worker dies and comes back on what its store committed.
async function restartHost() {
  await host.close();
  host = new ServerHost({ engine, store, engineOptions: { longPollTimeoutMs: 5_000 } });
  await host.open();
}

before(async () => {
  engine = await loadEngineModuleNode(process.env.ENGINE_DIR ?? path.join(repo, "web/public/engine"));
  py = await loadPyodideNode();
  installPackages(py, readPythonPackages());
  for (const file of ["chapter_cells.py", "e2e_scenarios.py"]) {
    py.FS.writeFile(`/home/pyodide/${file}`, fs.readFileSync(path.join(here, file)));
  }
  py.registerJsModule("js_bridge", { rpc, core_factory: createCoreFactory(engine, cores), new_host: newHost, restart_host: restartHost });
  await py.runPythonAsync(`
import durable_lab_process
durable_lab_process.install_cancellable_timers()
from temporalio._internal import host
import js_bridge
host.install(rpc=js_bridge.rpc, core_factory=js_bridge.core_factory)
import logging
logging.basicConfig(level=logging.ERROR)
`);
});
after(async () => {
  await host?.close();
  for (const core of cores.splice(0)) core.delete();
});

async function scenario(name) {
  return JSON.parse(await py.runPythonAsync(`import e2e_scenarios\nawait e2e_scenarios.run(${JSON.stringify(name)})`));
}
const count = (events, type) => events.filter((e) => e === type).length;

test("approve: PENDING-APPROVAL, then PAID after two timers and two payments; query after completion", async () => {
  const r = await scenario("approve");
  assert.match(r.before, /currently PENDING-APPROVAL\. Workflow status: RUNNING$/);
  assert.equal(r.approve, "APPROVED");
  assert.equal(r.result, "PAID");
  assert.match(r.after, /currently PAID\. Workflow status: COMPLETED$/);
  assert.equal(count(r.events, "TIMER_STARTED"), 3);
  assert.equal(count(r.events, "TIMER_CANCELED"), 1);
  assert.equal(count(r.events, "TIMER_FIRED"), 2);
  assert.equal(count(r.events, "ACTIVITY_TASK_COMPLETED"), 2);
  assert.equal(r.events.at(-1), "WORKFLOW_EXECUTION_COMPLETED");
});

test("reject: REJECTED", async () => {
  const r = await scenario("reject");
  assert.deepEqual([r.reject, r.result], ["REJECTED", "REJECTED"]);
  assert.match(r.after, /currently REJECTED\. Workflow status: COMPLETED$/);
});

test("5 days without a decision: the uncaught timeout fails the workflow with TimeoutError", async () => {
  const r = await scenario("five_days_uncaught");
  assert.deepEqual([r.error, r.cause, r.causeType, r.status], ["WorkflowFailureError", "ApplicationError", "TimeoutError", "FAILED"]);
  assert.equal(r.events.at(-1), "WORKFLOW_EXECUTION_FAILED");
  assert.equal(count(r.events, "TIMER_FIRED"), 1);
});

test("5 days without a decision, with try/except asyncio.TimeoutError: auto-approved and PAID", async () => {
  const r = await scenario("five_days_auto_approve");
  assert.deepEqual([r.result, r.status], ["PAID", "PAID"]);
});

test("retries: fails twice then succeeds on attempt 3; non-retryable stops at once", async () => {
  const r = await scenario("retries");
  assert.equal(r.flaky, "paid on attempt 3");
  assert.equal(r.flakyRuns, 3);
  assert.equal(r["retry-flaky"].attempt, 3);
  assert.match(r["retry-flaky"].lastFailure, /gateway unavailable \(attempt 2\)/);
  assert.equal(r.declined, "ApplicationError: card declined");
  assert.equal(r["retry-declined"].attempt, 1);
});

test("kill the worker during the 2 s timer: a new worker replays and finishes, nothing re-runs", async () => {
  const r = await scenario("kill_worker_mid_timer");
  assert.equal(r.result, "PAID");
  assert.equal(r.paidBeforeKill, 1);
  assert.equal(r.paidTotal, 2, "the first payment was not run again");
  // Killed while the second line's timer ran: the new worker adds no timer for it.
  const timersAtKill = count(r.eventsAtKill, "TIMER_STARTED");
  assert.equal(count(r.events, "TIMER_STARTED"), timersAtKill, "the timer was not restarted");
  assert.ok(!r.eventsAtKill.includes("TIMER_FIRED") || r.eventsAtKill.lastIndexOf("TIMER_STARTED") > r.eventsAtKill.lastIndexOf("TIMER_FIRED"),
    "the kill happened while the timer was pending");
  assert.equal(count(r.events, "ACTIVITY_TASK_SCHEDULED"), 2);
  assert.ok(r.events.includes("WORKFLOW_TASK_TIMED_OUT"), "the dead worker's sticky task timed out and moved on");
});

test("changed code (sleep and activity swapped): a nondeterminism error naming the event and the user's line", async () => {
  const r = await scenario("nondeterminism");
  assert.equal(r.cause, "WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR");
  assert.match(r.message, /event \d+/);
  assert.match(r.message, /Timer/);
  assert.match(r.stackTrace, /e2e_scenarios\.py", line \d+, in run/);
});

test("while True: pass -> potential deadlock; the worker stays alive for other workflows", async () => {
  const r = await scenario("deadlock");
  assert.match(r.message, /Potential deadlock detected/);
  assert.match(r.stackTrace, /e2e_scenarios\.py", line \d+, in run/);
  assert.equal(r.other, "REJECTED");
});

test("child workflows, continue-as-new followed by result(), cancellation with cleanup", async () => {
  const r = await scenario("children_continue_as_new_cancel");
  assert.deepEqual(r.parent, ["parent-child", 40, 42]);
  assert.equal(r.counter, 3);
  assert.equal(r.counterFirstRunStatus, "CONTINUED_AS_NEW");
  assert.equal(r.cancelled, "CancelledError");
  assert.equal(r.sleeperStatus, "CANCELED");
  assert.equal(r.cleanedUp, true, "the finally block ran before the run closed");
  assert.ok(r.sleeperEvents.includes("TIMER_CANCELED"));
  assert.equal(r.sleeperEvents.at(-1), "WORKFLOW_EXECUTION_CANCELED");
});

test("temporalio.testing: a time-skipping environment on the engine", async () => {
  const r = await scenario("testing_environment");
  assert.ok(r.skippedSeconds >= 5 * 86400 && r.skippedSeconds < 5 * 86400 + 60, String(r.skippedSeconds));
  assert.equal(r.result, "PAID");
});

test("the server restarts mid-workflow: the worker and a waiting result() carry on, nothing is lost", async () => {
  const r = await scenario("server_restart");
  assert.equal(r.result, "PAID");
  assert.equal(r.status, "PAID");
  assert.equal(r.paid, 2);
});
