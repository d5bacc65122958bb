#!/usr/bin/env node
// The Python runtime in Pyodide under Node (not a test): the Python process
// host of web/src/processes/ running a worker.py against a ServerHost on
// engine.wasm, as in the browser but without one. Prints one JSON object,
// {"suite":"python","figures":[...]}, as its last stdout line (bench/run.mjs
// collects it); progress goes to stderr.
//
//   node bench/python-bench.mjs      (needs `npm run build:wasm`)
//
// It re-runs itself under tsx (the host is TypeScript) with JSPI enabled, as
// Chromium has it, so the worker's asyncio.run blocks as in CPython
// (bench/support.mjs).
import { JSPI, logger, median, pythonHost, relaunch, report } from './support.mjs';

relaunch(import.meta.url, [JSPI]);

const { chapterFiles, payload, decode } = await import('../tests/runtime/python/chapter.ts');
const { environment, newServer, startProcess, stopProcess } = await pythonHost();
const log = logger('python-bench');
const TICKS = Number(process.env.PYTHON_BENCH_TICKS ?? 199); // 199 timers: a 1,000-event history
const COLD_RUNS = Number(process.env.PYTHON_BENCH_COLD_RUNS ?? 3);

// One workflow task per timer: with auto time-skipping every timer fires at once.
const tickerFiles = {
  'workflows.py': `
from temporalio import workflow


@workflow.defn
class Ticker:
    def __init__(self) -> None:
        self.ticks = 0

    @workflow.query
    def ticks_done(self) -> int:
        return self.ticks

    @workflow.run
    async def run(self, n: int) -> int:
        for _ in range(n):
            await workflow.sleep(1)
            self.ticks += 1
        return self.ticks
`,
  'worker.py': `
import asyncio
from temporalio.client import Client
from temporalio.worker import Worker
from workflows import Ticker


async def main():
    client = await Client.connect("localhost:7233")
    await Worker(client, task_queue="bench", workflows=[Ticker], activities=[]).run()


if __name__ == "__main__":
    asyncio.run(main())
`,
};

const figures = [];

// 1. Cold start: the chapter's worker.py, from a new process to its first poll.
const colds = [];
for (let i = 0; i < COLD_RUNS; i++) {
  const host = await newServer();
  const p = await startProcess(host, chapterFiles());
  colds.push(p.ms);
  await stopProcess(p);
  await host.close();
}
log('cold starts (ms):', colds.map((x) => x.toFixed(0)).join(', '));
figures.push({ name: 'Python worker cold start (load to ready)', value: median(colds), unit: 'ms',
  how: `median of ${COLD_RUNS} fresh Pyodide processes running the chapter's worker.py, from creating the process to the worker's first PollWorkflowTaskQueue (Pyodide, engine.wasm and web/python loaded, files mounted, script imported)` });

// 2. Workflow tasks per second, end to end.
const host = await newServer();
await host.call('SetAutoTimeSkipping', { enabled: true });
let p = await startProcess(host, tickerFiles);
const t0 = performance.now();
await host.call('StartWorkflowExecution', {
  namespace: 'default', workflowId: 'ticker', workflowType: { name: 'Ticker' }, taskQueue: { name: 'bench' },
  input: { payloads: [payload(TICKS)] }, requestId: 'bench-ticker',
});
let outcome;
for (let token; ;) { // a long poll for the close event; an empty page means "not yet, ask again"
  outcome = await host.call('GetWorkflowExecutionHistory', {
    namespace: 'default', execution: { workflowId: 'ticker' }, waitNewEvent: true,
    historyEventFilterType: 'HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT', ...(token ? { nextPageToken: token } : {}),
  });
  if (outcome.history?.events?.length || performance.now() - t0 > 120_000) break;
  token = outcome.nextPageToken;
}
const elapsed = performance.now() - t0;
const closeType = outcome.history?.events?.[0]?.eventType;
if (closeType !== 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED') throw new Error(`Ticker did not complete: ${JSON.stringify(outcome).slice(0, 500)}`);
const events = (await host.call('GetWorkflowExecutionHistory', { namespace: 'default', execution: { workflowId: 'ticker' } })).history.events;
const tasks = events.filter((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED').length;
log(`${tasks} workflow tasks in ${elapsed.toFixed(0)} ms; history ${events.length} events`);
figures.push({ name: 'workflow tasks per second (Pyodide worker, end to end)', value: tasks / (elapsed / 1000), unit: 'tasks/s',
  how: `one workflow of ${TICKS} sequential 1 s timers under auto time-skipping: ${tasks} workflow tasks (poll, activation in Python, completion through the replay core, commit) from StartWorkflowExecution to the close event, one worker, sticky cache` });
await stopProcess(p);

// 3. Replay: a new worker (empty cache) answers a query on the closed workflow by replaying all of it.
p = await startProcess(host, tickerFiles);
const r0 = performance.now();
const answer = await host.call('QueryWorkflow', { namespace: 'default', execution: { workflowId: 'ticker' }, query: { queryType: 'ticks_done' } });
const replayMs = performance.now() - r0;
const ticks = decode(answer.queryResult.payloads[0]);
if (ticks !== TICKS) throw new Error(`the replayed query answered ${ticks}, expected ${TICKS}`);
log(`replay of ${events.length} events: ${replayMs.toFixed(1)} ms`);
figures.push({ name: `replay of a ${events.length}-event history (Pyodide worker)`, value: replayMs, unit: 'ms',
  how: `QueryWorkflow on the closed ${TICKS}-timer workflow, answered by a freshly started worker with an empty cache, which replays the full history in Python through the replay core; measured from the call to the answer` });
await stopProcess(p);
await host.close();

report({
  suite: 'python',
  title: 'The Python worker in Pyodide',
  about: 'web/python\'s temporalio runtime in Pyodide under Node, run by the process host of web/src/processes/ as the ' +
    'browser\'s Python worker runs it, against a ServerHost on engine.wasm and a MemoryBatchStore in the same process.',
  environment,
  figures,
});
