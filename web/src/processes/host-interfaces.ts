// The two interfaces temporalio._internal.host expects from its JavaScript
// host (the contract is that module's docstring): `rpc`, the engine's
// WorkflowService, and `core_factory`, engine.wasm's WorkerCore (the replay
// core). Everything that crosses into Python is a JSON string.
import type { EngineModule, RawWorkerCore } from '../server/engine-module.ts';

/** Anything that answers WorkflowService calls: a ServerHost, or an RpcChannelClient to one in another worker. */
export interface RpcTarget {
  call(method: string, request: unknown, options?: { signal?: AbortSignal }): Promise<unknown>;
}

/** What Python sees as `rpc`. */
export interface PythonRpc {
  call(method: string, requestJson: string, callId: number): Promise<string>;
  cancel(callId: number): void;
}

/** What Python sees as the object `core_factory` returns. */
export interface PythonCore {
  handle_workflow_task(pollResponseJson: string): string;
  complete_activation(completionJson: string): string;
  evict(runId: string): string;
  /** Frees the Embind object (not called by Python; the host calls it when the process ends). */
  delete(): void;
}

export interface RpcHooks {
  /** Told about every call before it is sent (e.g. to notice the worker's first poll). */
  onCall?: (method: string) => void;
}

/** `rpc` on an RpcTarget: replies are {"response"} or {"error":{code, message}}, never a rejection. */
export function createRpc(target: RpcTarget, hooks: RpcHooks = {}): PythonRpc {
  const aborts = new Map<number, AbortController>();
  return {
    async call(method, requestJson, callId) {
      const controller = new AbortController();
      aborts.set(callId, controller);
      try {
        hooks.onCall?.(method);
        const response = await target.call(method, JSON.parse(requestJson), { signal: controller.signal });
        return JSON.stringify({ response: response ?? {} });
      } catch (error) {
        const e = error as { code?: string; message?: string };
        return JSON.stringify({ error: { code: e?.code ?? 'UNAVAILABLE', message: e?.message ?? String(error) } });
      } finally {
        aborts.delete(callId);
      }
    },
    cancel(callId) {
      aborts.get(callId)?.abort();
    },
  };
}

/** `core_factory` on engine.wasm: one WorkerCore per Python Worker; `created` collects them for cleanup. */
export function createCoreFactory(engine: EngineModule, created: PythonCore[] = []): (optionsJson: string) => PythonCore {
  return (optionsJson: string) => {
    const core = engine.WorkerCore.create(optionsJson);
    if (typeof core === 'string') throw new Error(`WorkerCore.create: ${core}`);
    const raw: RawWorkerCore = core;
    const wrapped: PythonCore = {
      handle_workflow_task: (json) => raw.handleWorkflowTask(json),
      complete_activation: (json) => raw.completeActivation(json),
      evict: (runId) => raw.evict(runId),
      delete: () => raw.delete(),
    };
    created.push(wrapped);
    return wrapped;
  };
}
