// The engine benchmarks of bench/engine_bench.cc, through engine.wasm under
// Node: the same RPC sequences, the same history sizes, the same host loop
// (each outcome's batch committed to an in-memory snapshot before replies are
// read). Prints one JSON object: {"suite":"wasm","figures":[...]}.
//
// Run: node --import tsx bench/wasm-bench.ts   (after `npm run build:wasm`)
import { performance } from 'node:perf_hooks';
import type { EngineModule, RawEngine } from '../web/src/server/engine-module.ts';
import { createWorkerCore } from '../web/src/server/engine-module.ts';
import { loadEngineModuleNode } from '../web/src/server/node.ts';

type Json = Record<string, any>;
interface Figure { name: string; value: number; unit: string; how: string }

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const payloads = (value: unknown) => ({
  payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) }],
});
const startTimer = (seq: number, duration: string) => ({
  commandType: 'COMMAND_TYPE_START_TIMER',
  startTimerCommandAttributes: { timerId: String(seq), startToFireTimeout: duration },
});

/** An engine plus the host loop around it: commit the batch, then read the reply. */
class Host {
  private readonly engine: RawEngine;
  private readonly snapshot = new Map<string, unknown>();
  private nextCall = 0;

  constructor(module: EngineModule) {
    const opened = module.Engine.open(JSON.stringify({ seed: '7' }), '{}');
    if (typeof opened === 'string') throw new Error(`Engine.open failed: ${opened}`);
    this.engine = opened;
  }

  call(method: string, request: Json): Json | undefined {
    const id = ++this.nextCall;
    const outcome = JSON.parse(this.engine.call(id, method, JSON.stringify(request)));
    for (const op of outcome.batch) {
      const key = `${op.table}\u0000${op.key}`;
      if (op.delete) this.snapshot.delete(key);
      else this.snapshot.set(key, op.value);
    }
    const reply = outcome.replies.find((r: Json) => r.callId === id);
    if (reply?.error) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
    return reply?.response;
  }

  startWorkflow(id: string): void {
    this.call('StartWorkflowExecution', {
      namespace: 'default', workflowId: id, workflowType: { name: 'InvoiceWorkflow' },
      taskQueue: { name: 'bench' }, input: payloads({ invoice_id: id }),
    });
  }
  pollWorkflowTask(queue = 'bench'): Json {
    return this.call('PollWorkflowTaskQueue', { taskQueue: { name: queue } }) ?? {};
  }
  complete(task: Json, commands: Json[]): void {
    this.call('RespondWorkflowTaskCompleted', {
      taskToken: task.taskToken, commands,
      stickyAttributes: { workerTaskQueue: { name: 'bench-sticky' }, scheduleToStartTimeout: '5s' },
    });
  }
  fireNext(): void {
    this.call('SkipToNextTimer', {});
  }
  storedBytes(): number {
    let bytes = 0;
    for (const [key, value] of this.snapshot) bytes += key.length + JSON.stringify(value).length;
    return bytes;
  }
  delete(): void {
    this.engine.delete();
  }
}

/** Runs fn repeatedly for at least `seconds`; returns operations per second. */
function rate(seconds: number, fn: () => void): number {
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (let i = 0; i < 100; i++) fn();
    ops += 100;
    elapsed = performance.now() - start;
  }
  return ops / (elapsed / 1000);
}

function signalAppend(module: EngineModule): Figure {
  const host = new Host(module);
  host.startWorkflow('signals');
  const signal = {
    namespace: 'default', workflowExecution: { workflowId: 'signals' },
    signalName: 'ApproveInvoice', input: payloads(true),
  };
  const perSecond = rate(2, () => host.call('SignalWorkflowExecution', signal));
  host.delete();
  return { name: 'signal append', value: perSecond, unit: 'events/s', how: 'SignalWorkflowExecution on one open workflow, one event and one committed batch per call' };
}

function workflowTaskRoundTrip(module: EngineModule): Figure {
  const host = new Host(module);
  host.startWorkflow('timers');
  let seq = 0;
  host.complete(host.pollWorkflowTask(), [startTimer(++seq, '1s')]);
  host.fireNext();
  const perSecond = rate(2, () => {
    host.complete(host.pollWorkflowTask('bench-sticky'), [startTimer(++seq, '1s')]);
    host.fireNext();
  });
  host.delete();
  return { name: 'workflow task round trip', value: perSecond * 5, unit: 'events/s', how: 'sticky poll, complete with a 1 s timer, SkipToNextTimer: five events per round trip' };
}

function replay(module: EngineModule, timers: number): Figure {
  const host = new Host(module);
  host.startWorkflow('replay');
  for (let seq = 1; seq <= timers; seq++) {
    host.complete(host.pollWorkflowTask(seq === 1 ? 'bench' : 'bench-sticky'), [startTimer(seq, '1s')]);
    host.fireNext();
  }
  const task = host.pollWorkflowTask('bench-sticky');
  task.history = host.call('GetWorkflowExecutionHistory', { namespace: 'default', execution: { workflowId: 'replay' } })!.history;
  host.delete();
  const events = task.history.events.length;
  const runId = task.workflowExecution.runId;
  const pollJson = JSON.stringify(task);
  const rounds = 5;
  const start = performance.now();
  for (let round = 0; round < rounds; round++) {
    const core = createWorkerCore(module, { taskQueue: 'bench' });
    let result = JSON.parse(core.handleWorkflowTask(pollJson));
    let seq = 0;
    while (result.activation) {
      const commands = [{ startTimer: { seq: ++seq, startToFireTimeout: '1s' } }];
      result = JSON.parse(core.completeActivation(JSON.stringify({ runId, successful: { commands } })));
    }
    if (!result.respond) throw new Error(`replay ended without a response: ${JSON.stringify(result).slice(0, 200)}`);
    core.delete();
  }
  const seconds = (performance.now() - start) / 1000;
  return { name: `replay of a ${events}-event history`, value: (events * rounds) / seconds, unit: 'events/s', how: 'WorkerCore from a full history, scripted workflow code starting the next timer per activation' };
}

function idleMemory(module: EngineModule, workflows: number): Figure[] {
  const heap = () => (module as unknown as { HEAP8?: Int8Array }).HEAP8?.buffer.byteLength ?? NaN;
  const before = heap();
  const host = new Host(module);
  for (let i = 0; i < workflows; i++) {
    host.startWorkflow(`idle-${i}`);
    host.complete(host.pollWorkflowTask(), [startTimer(1, '432000s')]);
  }
  const grown = heap() - before;
  const stored = host.storedBytes();
  host.delete();
  return [
    { name: `engine heap per idle workflow (${workflows} workflows on a 5-day timer)`, value: grown / workflows, unit: 'bytes', how: 'growth of the WebAssembly linear memory, store held outside it (grows in 64 KiB pages, so an upper bound)' },
    { name: 'stored state per idle workflow', value: stored / workflows, unit: 'bytes', how: 'JSON size of the committed tables divided by the number of workflows' },
  ];
}

const module = await loadEngineModuleNode();
// Memory first, while the heap is fresh: later benchmarks leave freed space
// behind that would hide growth.
const memory = idleMemory(module, 10_000);
const figures: Figure[] = [signalAppend(module), workflowTaskRoundTrip(module), replay(module, 2000), ...memory];
console.log(JSON.stringify({
  suite: 'wasm',
  title: 'Engine, engine.wasm under Node',
  about: 'The same work as the native suite through engine.wasm\'s Embind API (JSON strings in and out) under Node, ' +
    'each outcome\'s batch applied to a JS snapshot before its replies are read; rates over at least 2 s of calls.',
  environment: `engine ${module.version()}, Node ${process.version} (V8 ${process.versions.v8})`,
  figures,
}));
