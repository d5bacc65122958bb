// The page as an MCP host: one connection at a time to the MCP server process
// (mcp_servers/invoice.py in a Pyodide Web Worker), through the official MCP
// TypeScript SDK's Client, so every answer of our Python server is checked by
// a real client. Like Claude Desktop with a stdio server, the page launches
// the process to connect and closing the connection ends it; a process that
// starts serving (after a restart, say) is connected to at once.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult, Implementation, ServerCapabilities, Tool } from '@modelcontextprotocol/sdk/types.js';
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';
import { MessagePortTransport } from './message-port-transport.ts';
import { Transcript } from './transcript.ts';

export type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';

/** What the connection needs of the MCP server process (the page's PythonSupervisor for it). */
export interface McpServerProcess {
  /** Starts the process if it is not running. */
  start(): void;
  /** The page's end of the running process's MCP port once it serves; null otherwise. */
  readonly mcpPort: MessagePort | null;
  /** Why the process last ended, for the transcript ("killed", "exited with code 0", ...). */
  readonly detail: string;
  readonly state: string;
  onChange(listener: () => void): () => void;
}

export type McpConnectionState = 'disconnected' | 'connecting' | 'connected';

export const CLIENT_INFO: Implementation = { name: 'durable-lab-page', version: '1.0.0' };

export class McpConnection {
  state: McpConnectionState = 'disconnected';
  /** The last connection error, for a person. */
  error: string | null = null;
  serverInfo: Implementation | null = null;
  capabilities: ServerCapabilities | null = null;
  instructions: string | null = null;
  protocolVersion: string | null = null;
  tools: Tool[] = [];
  readonly transcript = new Transcript();
  #client: Client | null = null;
  #transport: MessagePortTransport | null = null;
  #port: MessagePort | null = null;
  #startRequested = false;
  #waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  readonly #listeners = new Set<() => void>();
  readonly #off: () => void;

  constructor(private readonly process: McpServerProcess) {
    this.#off = process.onChange(() => this.#follow());
    this.#follow();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Connects (starting the server process first if needed); resolves once initialized and the tools are listed. */
  connect(): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#startRequested = false;
    this.#follow();
    return ready;
  }

  /** Closes the connection: the server's `mcp.run()` sees end of input and the process exits. */
  async disconnect(): Promise<void> {
    const client = this.#client;
    if (client) await client.close();
  }

  async listTools(): Promise<Tool[]> {
    const client = this.#require();
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined);
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    this.tools = tools;
    this.#emit();
    return tools;
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    return (await this.#require().callTool({ name, arguments: args })) as CallToolResult;
  }

  dispose(): void {
    this.#off();
    void this.disconnect();
  }

  #require(): Client {
    if (!this.#client || this.state !== 'connected') throw new Error('Not connected to the MCP server: connect first.');
    return this.#client;
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Keeps the connection on the process's current port, and starts the process for a waiting connect(). */
  #follow(): void {
    const port = this.process.mcpPort;
    if (port !== this.#port) {
      this.#transport?.lost();
      this.#port = port;
      if (port) {
        void this.#open(port);
        return;
      }
    }
    // A connect() waits and there is no serving process yet (or only one on its way out).
    if (this.#waiters.length === 0 || port) return;
    if (this.process.state === 'loading') {
      this.#setConnecting();
    } else if (!this.#startRequested) {
      this.#startRequested = true;
      this.#setConnecting();
      this.process.start();
    } else {
      this.#fail(new Error(`The MCP server process did not start: ${this.process.detail}`));
    }
  }

  #setConnecting(): void {
    if (this.state === 'connecting') return;
    this.state = 'connecting';
    this.error = null;
    this.#emit();
  }

  async #open(port: MessagePort): Promise<void> {
    this.#setConnecting();
    const session = this.transcript.beginSession('connecting to the MCP server process');
    const transport = new MessagePortTransport(port, (direction, text) => {
      if (this.transcript.session === session) this.transcript.record(direction, text);
    });
    // Validates structured tool results without compiling code (the page's CSP forbids eval).
    const client = new Client(CLIENT_INFO, { capabilities: {}, jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
    client.onerror = (error) => this.transcript.note(`client error: ${error.message}`);
    client.onclose = () => {
      if (this.#client !== client) return;
      this.#client = null;
      this.#transport = null;
      this.state = 'disconnected';
      this.tools = [];
      this.transcript.note(this.process.mcpPort === port ? 'disconnected' : `the server process ended (${this.process.detail})`);
      this.#emit();
    };
    this.#client = client;
    this.#transport = transport;
    try {
      await client.connect(transport);
      this.serverInfo = client.getServerVersion() ?? null;
      this.capabilities = client.getServerCapabilities() ?? null;
      this.instructions = client.getInstructions() ?? null;
      this.protocolVersion = transport.protocolVersion ?? null;
      this.state = 'connected';
      await this.listTools();
      for (const waiter of this.#waiters.splice(0)) waiter.resolve();
    } catch (error) {
      if (this.#client === client) this.#fail(error as Error);
      await client.close().catch(() => {});
    }
    this.#emit();
  }

  #fail(error: Error): void {
    this.state = 'disconnected';
    this.error = error.message;
    this.transcript.note(`connection failed: ${error.message}`);
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    this.#emit();
  }
}
