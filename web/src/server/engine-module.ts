// The Embind module built from wasm/bindings/embind.cc (engine.mjs + engine.wasm).
// Everything crosses the boundary as JSON text; see embind.cc for the contract.
// This file runs unchanged on the page, in a module Web Worker and in Node.
import { decodeResult } from './errors.ts';

/** One engine instance (an Embind object: call delete() when done). */
export interface RawEngine {
  call(callId: number, method: string, requestJson: string): string;
  cancel(callId: number): string;
  tick(): string;
  /** Virtual time of the next timer/timeout/deadline, ms since the epoch; -1 if none. */
  nextWakeupMs(): number;
  /** Virtual now, ms since the epoch. */
  nowMs(): number;
  /** Canonical JSON of the engine's durable state: equal dumps mean equal engines. */
  dumpState(): string;
  delete(): void;
}

/** The worker-side replay core (see wasm/include/durable/worker_core.h for the JSON shapes). */
export interface RawWorkerCore {
  /** A PollWorkflowTaskQueue response -> {"evictions":[...],"activation":{...}} | {..."respond":{method,request}} | {"error"}. */
  handleWorkflowTask(pollResponseJson: string): string;
  /** {"runId","successful":{"commands":[...]}} | {"runId","failed":{"failure":{...}}} -> the same result form. */
  completeActivation(completionJson: string): string;
  /** "{}" or {"error":{...}} (NOT_FOUND when the run is not cached). */
  evict(runId: string): string;
  cachedRunCount(): number;
  delete(): void;
}

export interface WorkerCoreOptions {
  identity?: string;
  taskQueue?: string;
  stickyTaskQueue?: string;
  stickyScheduleToStartTimeoutMs?: number;
  maxCachedRuns?: number;
}

export interface EngineModule {
  version(): string;
  /** JSON array of every RPC name Engine.call accepts. */
  methods(): string;
  /** Temporal history JSON (canonical or PascalCase) -> {"history":{...}} | {"error":{...}}. */
  importHistory(text: string): string;
  /** {"events":[...]} or a GetWorkflowExecutionHistory response -> {"history":{...}} | {"error":{...}}. */
  exportHistory(text: string): string;
  Engine: {
    /** An engine, or the JSON text {"error":{...}} when the options or snapshot are bad. */
    open(optionsJson: string, snapshotJson: string): RawEngine | string;
  };
  WorkerCore: {
    /** A replay core, or the JSON text {"error":{...}} when the options are bad. */
    create(optionsJson: string): RawWorkerCore | string;
  };
}

/** Creates a replay core; throws EngineError on bad options. */
export function createWorkerCore(module: EngineModule, options: WorkerCoreOptions): RawWorkerCore {
  const created = module.WorkerCore.create(JSON.stringify(options));
  if (typeof created === 'string') {
    decodeResult(created);
    throw new Error(`WorkerCore.create returned an unexpected text: ${created}`);
  }
  return created;
}

export interface EngineModuleInit {
  /** The bytes of engine.wasm: required under Node, where the loader cannot fetch a file path. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
}

type EngineModuleFactory = (init?: EngineModuleInit) => Promise<EngineModule>;

/** Loads engine.mjs from a URL (relative URLs resolve against the caller's base). */
export async function loadEngineModule(moduleUrl: string | URL, init: EngineModuleInit = {}): Promise<EngineModule> {
  const imported = (await import(/* @vite-ignore */ String(moduleUrl))) as { default: EngineModuleFactory };
  return imported.default({ ...init });
}

export interface EngineOptions {
  longPollTimeoutMs?: number;
  queryTimeoutMs?: number;
  maxPayloadBytes?: number;
  /** A decimal string keeps all 64 bits. */
  seed?: number | string;
}

/** Opens a raw engine on a snapshot; throws EngineError on bad options or snapshot. */
export function openRawEngine(module: EngineModule, options: EngineOptions, snapshot: unknown): RawEngine {
  const opened = module.Engine.open(JSON.stringify(options), JSON.stringify(snapshot ?? {}));
  if (typeof opened === 'string') {
    decodeResult(opened);
    throw new Error(`Engine.open returned an unexpected text: ${opened}`);
  }
  return opened;
}

export interface HistoryDocument {
  events: Array<Record<string, unknown>>;
}

/** Validates Temporal history JSON and returns its canonical form; throws EngineError. */
export function importHistory(module: EngineModule, text: string): HistoryDocument {
  return decodeResult<{ history: HistoryDocument }>(module.importHistory(text)).history;
}

/** The Temporal history JSON document for a GetWorkflowExecutionHistory response or event list. */
export function exportHistory(module: EngineModule, historyOrResponse: unknown): HistoryDocument {
  const text = typeof historyOrResponse === 'string' ? historyOrResponse : JSON.stringify(historyOrResponse);
  return decodeResult<{ history: HistoryDocument }>(module.exportHistory(text)).history;
}
