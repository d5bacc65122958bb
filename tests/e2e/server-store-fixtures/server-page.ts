// Page-side helpers for the server store tests, loaded into a blank page of
// the Vite dev server: start server workers and drive workflows through them
// the way an SDK worker would (start, poll, complete with commands).
import { ServerClient } from '../../../web/src/server/server-client.ts';
import type { ServerStatus } from '../../../web/src/server/server-runtime.ts';

export const NAMESPACE = 'default';
export const QUEUE = 'store-test-queue';
// Absolute, so that the dev server's import analysis leaves the worker's dynamic import alone.
export const ENGINE_URL = new URL('/engine/engine.mjs', location.origin).href;
export const SERVER_WORKER_URL = '/src/server/server-worker.ts';
export const STUBBED_WORKER_URL = new URL('./stubbed-server-worker.ts', import.meta.url).href;

export { ServerClient };

export interface Started {
  client: ServerClient;
  hello: { version: string; status: ServerStatus };
}

/** A new server worker; resolves once it answered hello (owner, not owner or memory-only). */
export async function startServer(options: { database: string; stub?: 'no-indexeddb' | 'quota' }): Promise<Started> {
  const worker = options.stub
    ? new Worker(STUBBED_WORKER_URL, { type: 'module', name: options.stub })
    : new Worker(SERVER_WORKER_URL, { type: 'module' });
  const client = new ServerClient(worker);
  const hello = await client.hello(ENGINE_URL, { database: options.database });
  return { client, hello };
}

export function payloads(...values: unknown[]) {
  const b64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  return { payloads: values.map((v) => ({ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(v)) })) };
}

export function startRequest(workflowId: string, extra: Record<string, unknown> = {}) {
  return {
    namespace: NAMESPACE,
    workflowId,
    workflowType: { name: 'InvoiceWorkflow' },
    taskQueue: { name: QUEUE, kind: 'TASK_QUEUE_KIND_NORMAL' },
    input: payloads({ invoice_id: workflowId }),
    requestId: `start-${workflowId}`,
    ...extra,
  };
}

export async function pollWorkflowTask(client: ServerClient): Promise<any> {
  for (;;) {
    const task = await client.call('PollWorkflowTaskQueue', { namespace: NAMESPACE, taskQueue: { name: QUEUE, kind: 'TASK_QUEUE_KIND_NORMAL' }, identity: 'page-worker' });
    if (task?.taskToken) return task;
  }
}

export function completeTask(client: ServerClient, task: any, commands: unknown[]) {
  return client.call('RespondWorkflowTaskCompleted', { namespace: NAMESPACE, taskToken: task.taskToken, commands, identity: 'page-worker' });
}

export const startTimer = (timerId: string, startToFireTimeout: string) => ({
  commandType: 'COMMAND_TYPE_START_TIMER',
  startTimerCommandAttributes: { timerId, startToFireTimeout },
});

/** Starts a workflow and has its first task start a timer; returns the timer's fire time. */
export async function startWithTimer(client: ServerClient, workflowId: string, timeout: string): Promise<{ runId: string; fireTime: string }> {
  const { runId } = await client.call('StartWorkflowExecution', startRequest(workflowId));
  const task = await pollWorkflowTask(client);
  if (task.workflowExecution.workflowId !== workflowId) throw new Error(`got a task for ${task.workflowExecution.workflowId}`);
  await completeTask(client, task, [startTimer('1', timeout)]);
  const described = await describe(client, workflowId);
  return { runId, fireTime: described.pendingTimers[0].fireTime };
}

export function describe(client: ServerClient, workflowId: string): Promise<any> {
  return client.call('DescribeWorkflowExecution', { namespace: NAMESPACE, execution: { workflowId } });
}

export async function history(client: ServerClient, workflowId: string): Promise<any[]> {
  const events: any[] = [];
  let nextPageToken: string | undefined;
  do {
    const page = await client.call('GetWorkflowExecutionHistory', { namespace: NAMESPACE, execution: { workflowId }, ...(nextPageToken ? { nextPageToken } : {}) });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken || undefined;
  } while (nextPageToken);
  return events;
}

export function shortType(eventType: string): string {
  return eventType.replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

export function signal(client: ServerClient, workflowId: string, name: string) {
  return client.callWithDurability('SignalWorkflowExecution', {
    namespace: NAMESPACE, workflowExecution: { workflowId }, signalName: name, input: payloads(name), identity: 'page', requestId: `signal-${workflowId}-${name}`,
  });
}

/** Every record of an IndexedDB database, read raw: {version, stores: {name: [[key, value], ...]}}. */
export function readRaw(database: string): Promise<{ version: number; stores: Record<string, Array<[unknown, unknown]>> }> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(database);
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const db = request.result;
      const names = [...db.objectStoreNames];
      const stores: Record<string, Array<[unknown, unknown]>> = {};
      if (names.length === 0) { db.close(); resolve({ version: db.version, stores }); return; }
      const tx = db.transaction(names, 'readonly');
      for (const name of names) {
        const keys = tx.objectStore(name).getAllKeys();
        const values = tx.objectStore(name).getAll();
        tx.addEventListener('complete', () => { stores[name] = keys.result.map((k, i) => [k, values.result[i]]); });
      }
      tx.oncomplete = () => { db.close(); resolve({ version: db.version, stores }); };
      tx.onerror = () => reject(tx.error);
    };
  });
}

/** Opens `database` at `version`, runs `upgrade` in onupgradeneeded, then `write` in a readwrite transaction. */
export function writeRaw(database: string, version: number | undefined, upgrade: ((db: IDBDatabase) => void) | null,
  write: (tx: IDBTransaction) => void, storeNames: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = version === undefined ? indexedDB.open(database) : indexedDB.open(database, version);
    request.onupgradeneeded = () => upgrade?.(request.result);
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const db = request.result;
      const tx = db.transaction(storeNames, 'readwrite');
      write(tx);
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onabort = () => { db.close(); reject(tx.error); };
    };
  });
}

export { IndexedDbStore, CorruptRecordError, StoreVersionError, encodeRow, SCHEMA_VERSION } from '../../../web/src/server/store/indexeddb-store.ts';
export { MemoryBatchStore } from '../../../web/src/server/store/memory-store.ts';

/** Sends a raw message to a worker and resolves with the reply carrying its id (for protocol checks). */
export function rawRequest(worker: Worker, message: Record<string, unknown>): Promise<any> {
  const id = 1_000_000 + Math.floor(Math.random() * 1_000_000);
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (event.data?.id !== id) return;
      worker.removeEventListener('message', onMessage);
      resolve(event.data);
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ id, ...message });
  });
}

/** Tells a "quota" stubbed worker to start or stop failing puts. */
export function setQuotaFailure(worker: Worker, on: boolean): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (event.data?.type !== 'test:quota-ack') return;
      worker.removeEventListener('message', onMessage);
      resolve();
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ type: 'test:quota', on });
  });
}
