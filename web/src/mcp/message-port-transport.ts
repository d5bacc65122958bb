// The MCP TypeScript SDK's Transport over a MessagePort to an MCP server
// process (port-protocol.ts): the page's equivalent of the stdio transport
// Claude Desktop uses for a server it launched. Every incoming message is
// checked against the SDK's JSON-RPC schema before the Client sees it, so a
// malformed message from the server is reported (onerror), never trusted.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { PortLike } from '../processes/rpc-channel.ts';
import { CLOSED, type McpPortMessage } from './port-protocol.ts';

/** Sees every message that crosses, as the text that crossed (the transcript listens here). */
export interface WireObserver {
  (direction: 'sent' | 'received', text: string): void;
}

export class MessagePortTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** The revision the handshake settled on (the SDK Client sets it after initialize). */
  protocolVersion: string | undefined;
  readonly #port: PortLike;
  readonly #observe: WireObserver | undefined;
  #closed = false;
  readonly #listener = (event: MessageEvent<McpPortMessage>) => this.#receive(event.data);

  constructor(port: PortLike, observe?: WireObserver) {
    this.#port = port;
    this.#observe = observe;
  }

  async start(): Promise<void> {
    this.#port.addEventListener('message', this.#listener);
    this.#port.start?.();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) throw new Error('the MCP connection is closed');
    const text = JSON.stringify(message);
    this.#observe?.('sent', text);
    this.#port.postMessage(text satisfies McpPortMessage);
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  /** Closes our end: the server sees end of input (its `mcp.run()` returns), as when a client closes stdin. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      this.#port.postMessage(CLOSED);
    } catch {
      // the process is already gone
    }
    this.#finish();
  }

  /** The server process is gone (killed or exited) without closing the port. */
  lost(): void {
    this.#finish();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#port.removeEventListener?.('message', this.#listener);
    this.#port.close?.();
    this.onclose?.();
  }

  #receive(data: McpPortMessage): void {
    if (this.#closed) return;
    if (data === CLOSED) {
      this.#finish();
      return;
    }
    if (typeof data !== 'string') {
      this.onerror?.(new Error(`the MCP server sent a non-text message (${typeof data})`));
      return;
    }
    this.#observe?.('received', data);
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch (error) {
      this.onerror?.(new Error(`the MCP server sent text that is not JSON: ${(error as Error).message}`));
      return;
    }
    const checked = JSONRPCMessageSchema.safeParse(parsed);
    if (!checked.success) {
      this.onerror?.(new Error(`the MCP server sent a message that is not JSON-RPC 2.0: ${checked.error.message}`));
      return;
    }
    this.onmessage?.(checked.data);
  }
}
