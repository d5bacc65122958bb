// The server's WorkflowService over a MessagePort (or anything with
// postMessage + a message event): the Python process calls through
// RpcChannelClient; the other end answers with serveRpc(port, target), where
// target is a ServerHost or the page's ServerClient (which relays to the
// server worker). Cancelling a call aborts it in the ServerHost, so a long
// poll of a stopped worker does not take a task.
//
//   client -> server  {t:"call", id, method, request} | {t:"cancel", id}
//   server -> client  {t:"reply", id, response} | {t:"reply", id, error:{code, message}}
import type { RpcTarget } from './host-interfaces.ts';

export interface PortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener?(type: 'message', listener: (event: MessageEvent) => void): void;
  start?(): void;
  close?(): void;
}

type ClientMessage = { t: 'call'; id: number; method: string; request: unknown } | { t: 'cancel'; id: number };
type ServerMessage = { t: 'reply'; id: number; response?: unknown; error?: { code: string; message: string } };

export interface RpcServing {
  /**
   * Stops serving when the client is gone: aborts every call still in flight
   * (a killed worker's long polls must not go on taking tasks it will never
   * run, as a closed connection cancels them in Temporal) and closes the port.
   */
  close(): void;
}

/** Serves `target` (a ServerHost, a ServerClient) on `port` until close(). */
export function serveRpc(port: PortLike, target: RpcTarget): RpcServing {
  const inFlight = new Map<number, AbortController>();
  port.addEventListener('message', (event: MessageEvent<ClientMessage>) => {
    const message = event.data;
    if (message.t === 'cancel') {
      inFlight.get(message.id)?.abort();
      return;
    }
    if (message.t !== 'call') return;
    const controller = new AbortController();
    inFlight.set(message.id, controller);
    target.call(message.method, message.request, { signal: controller.signal }).then(
      (response) => port.postMessage({ t: 'reply', id: message.id, response } satisfies ServerMessage),
      (error: { code?: string; message?: string }) =>
        port.postMessage({ t: 'reply', id: message.id, error: { code: error?.code ?? 'INTERNAL', message: error?.message ?? String(error) } } satisfies ServerMessage),
    ).finally(() => inFlight.delete(message.id));
  });
  port.start?.();
  return {
    close() {
      for (const controller of inFlight.values()) controller.abort();
      inFlight.clear();
      port.close?.();
    },
  };
}

/** The client end: an RpcTarget whose calls go over `port`. */
export class RpcChannelClient implements RpcTarget {
  readonly #port: PortLike;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;

  constructor(port: PortLike) {
    this.#port = port;
    port.addEventListener('message', (event: MessageEvent<ServerMessage>) => {
      const reply = event.data;
      if (reply?.t !== 'reply') return;
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (reply.error) pending.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else pending.resolve(reply.response);
    });
    port.start?.();
  }

  call(method: string, request: unknown, options: { signal?: AbortSignal } = {}): Promise<unknown> {
    const id = this.#nextId++;
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(Object.assign(new Error(`${method} was aborted`), { code: 'CANCELLED' }));
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      signal?.addEventListener('abort', () => {
        if (!this.#pending.delete(id)) return;
        this.#port.postMessage({ t: 'cancel', id } satisfies ClientMessage);
        reject(Object.assign(new Error(`${method} was aborted`), { code: 'CANCELLED' }));
      }, { once: true });
      this.#port.postMessage({ t: 'call', id, method, request } satisfies ClientMessage);
    });
  }
}
