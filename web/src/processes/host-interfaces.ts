// The interfaces the Python side expects from its JavaScript host (each
// contract is the docstring of the Python module named): for
// temporalio._internal.host, `rpc` (the engine's WorkflowService) and
// `core_factory` (engine.wasm's WorkerCore, the replay core); for
// mcp._internal.host, the MCP `transport` of an MCP server process.
// Everything that crosses into Python is a JSON string.
import type { McpPortMessage } from '../mcp/port-protocol.ts';
import type { EngineModule, RawWorkerCore } from '../server/engine-module.ts';
import type { PortLike } from './rpc-channel.ts';

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

/** What Python sees as the MCP `transport`: JSON-RPC text out, text in, null once the client closed. */
export interface PythonMcpTransport {
  send(messageJson: string): void;
  receive(): Promise<string | null>;
}

export interface McpTransportHooks {
  /** Python asked for its first message: the server is serving (the process is ready). */
  onServing?: () => void;
}

/** The MCP server process's end of the page's MCP port (port-protocol.ts). */
export function createMcpTransport(port: PortLike, hooks: McpTransportHooks = {}): PythonMcpTransport {
  const inbox: string[] = [];
  const waiting: Array<(message: string | null) => void> = [];
  let closed = false;
  let serving = false;
  port.addEventListener('message', (event: MessageEvent<McpPortMessage>) => {
    if (closed) return;
    if (typeof event.data === 'string') {
      const reader = waiting.shift();
      if (reader) reader(event.data);
      else inbox.push(event.data);
    } else if (event.data === null) {
      closed = true;
      for (const reader of waiting.splice(0)) reader(null);
    }
  });
  port.start?.();
  return {
    send(messageJson) {
      if (!closed) port.postMessage(messageJson satisfies McpPortMessage);
    },
    receive() {
      if (!serving) {
        serving = true;
        hooks.onServing?.();
      }
      if (inbox.length > 0) return Promise.resolve(inbox.shift()!);
      if (closed) return Promise.resolve(null);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}
