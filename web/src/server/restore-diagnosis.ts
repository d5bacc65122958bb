// When Engine.open refuses a snapshot that passed the store's own checks (the
// records are what was written, but the engine does not accept them), find
// which record it is so the user is told more than "malformed". This is the
// one place on the host side that knows the engine's table layout
// (wasm/src/service/persistence.cc): meta/engine, executions/<runId>,
// current/<workflowId>, history/<runId>/<20-digit eventId>. It only reads.
import { openRawEngine, type EngineModule, type EngineOptions } from './engine-module.ts';
import type { StoreSnapshot } from './store/batch-store.ts';

function opens(engine: EngineModule, options: EngineOptions, snapshot: StoreSnapshot): string | null {
  try {
    openRawEngine(engine, options, snapshot).delete();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function table(rows: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of keys) if (rows && Object.hasOwn(rows, key)) out[key] = rows[key];
  return out;
}

/** "table/key" of the first record the engine refuses on its own (with what it needs), or null. */
export function locateBadRecord(engine: EngineModule, options: EngineOptions, snapshot: StoreSnapshot): string | null {
  const meta = snapshot.meta;
  if (meta && opens(engine, options, { meta } as StoreSnapshot)) return `meta/${Object.keys(meta).join(',')}`;
  const executions = snapshot.executions ?? {};
  const history = snapshot.history ?? {};
  const historyKeys = Object.keys(history).sort();
  for (const runId of Object.keys(executions).sort()) {
    const events = historyKeys.filter((key) => key.startsWith(`${runId}/`));
    const alone = { ...(meta ? { meta } : {}), executions: table(executions, [runId]), history: table(history, events) } as StoreSnapshot;
    const error = opens(engine, options, alone);
    if (!error) continue;
    // The run's record on its own (no events): a malformed record fails here too.
    if (/stored execution/.test(error)) return `executions/${runId}`;
    // Otherwise one of its events: the shortest prefix of the history that fails to decode.
    for (let n = 1; n <= events.length; n++) {
      const prefix = events.slice(0, n);
      const message = opens(engine, options, { ...(meta ? { meta } : {}), executions: table(executions, [runId]), history: table(history, prefix) } as StoreSnapshot);
      if (message && !/does not match its state/.test(message)) return `history/${prefix[n - 1]}`;
    }
    return `executions/${runId} (or its ${events.length} history records)`;
  }
  for (const [workflowId, runId] of Object.entries(snapshot.current ?? {})) {
    if (typeof runId !== 'string' || !Object.hasOwn(executions, runId)) return `current/${workflowId}`;
  }
  return null;
}
