// Supervises one Python process on the workspace's files: the worker
// (worker.py) or the MCP server (mcp_servers/invoice.py). The page can kill
// and restart it. Its WorkflowService calls go over a MessageChannel to the
// page, which relays them to the server worker (whichever one is running).
// Each start is a fresh Web Worker: a worker's workflows are rebuilt by
// replay; an MCP server gets a fresh MCP port, handed to the page's MCP
// connection once the server serves.
import { PythonWorkerProcess } from '../processes/controller.ts';
import type { ExitInfo, ProcessEvent } from '../processes/protocol.ts';
import { serveRpc, type RpcServing } from '../processes/rpc-channel.ts';
import type { WorkflowService } from './deps.ts';
import type { ProcessState } from './process-state.ts';

export interface ConsoleLine {
  stream: 'stdout' | 'stderr' | 'log' | 'system';
  text: string;
}

const MAX_LINES = 2_000;

export interface PythonSupervisorOptions {
  /** The attendee's files, read at each start (so a restart runs the code as it is now). */
  files: () => Record<string, string>;
  service: WorkflowService;
  /** The site's base URL (document.baseURI). */
  baseUrl: string;
  /** The script to run, e.g. "worker.py" or "mcp_servers/invoice.py". */
  entry: string;
  /** An MCP server process: it gets a port to the page's MCP client. */
  mcpServer?: boolean;
}

export class PythonSupervisor {
  state: ProcessState = 'stopped';
  detail = '';
  /** Loading progress from 0 to 1 while state is 'loading'. */
  progress = 0;
  readonly lines: ConsoleLine[] = [];
  #process: PythonWorkerProcess | null = null;
  #serving: RpcServing | null = null;
  #mcpPort: MessagePort | null = null;
  #mcpPortServing = false;
  readonly #listeners = new Set<() => void>();
  readonly #lineListeners = new Set<(line: ConsoleLine) => void>();

  constructor(private readonly options: PythonSupervisorOptions) {}

  get entry(): string {
    return this.options.entry;
  }

  /** For an MCP server: the page's end of its MCP port, once the server serves (see connection.ts). */
  get mcpPort(): MessagePort | null {
    return this.#mcpPortServing ? this.#mcpPort : null;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onLine(listener: (line: ConsoleLine) => void): () => void {
    this.#lineListeners.add(listener);
    return () => this.#lineListeners.delete(listener);
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }

  #line(line: ConsoleLine): void {
    this.lines.push(line);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
    for (const listener of this.#lineListeners) listener(line);
  }

  start(): void {
    if (this.#process) return;
    const channel = new MessageChannel();
    this.#serving = serveRpc(channel.port1, this.options.service);
    const mcp = this.options.mcpServer ? new MessageChannel() : null;
    this.#mcpPort = mcp?.port1 ?? null;
    this.#mcpPortServing = false;
    this.state = 'loading';
    this.progress = 0;
    this.detail = 'starting';
    this.#line({ stream: 'system', text: `$ python ${this.entry}` });
    const process = new PythonWorkerProcess({
      files: this.options.files(),
      entry: this.entry,
      serverPort: channel.port2,
      mcpPort: mcp?.port2,
      baseUrl: this.options.baseUrl,
      onEvent: (event) => { if (this.#process === process) this.#onEvent(event); },
    });
    this.#process = process;
    this.#emit();
  }

  #onEvent(event: ProcessEvent): void {
    switch (event.type) {
      case 'progress':
        this.progress = event.fraction;
        if (event.stage === 'ready') {
          this.state = 'running';
          this.detail = `${this.entry}: ${event.detail ?? 'running'}`;
          this.#mcpPortServing = this.#mcpPort !== null;
        } else {
          this.detail = `${event.stage}${event.detail ? `: ${event.detail}` : ''}`;
        }
        this.#emit();
        break;
      case 'output':
        for (const text of event.text.replace(/\n$/, '').split('\n')) this.#line({ stream: event.stream, text });
        break;
      case 'log':
        this.#line({ stream: 'log', text: `${event.level} ${event.logger}: ${event.message}` });
        break;
      case 'exit':
        this.#exited(event.exit);
        break;
    }
  }

  #exited(exit: ExitInfo): void {
    this.#process = null;
    this.#serving?.close();
    this.#serving = null;
    this.#mcpPort = null;
    this.#mcpPortServing = false;
    if (exit.reason === 'error') {
      this.state = 'crashed';
      this.detail = exit.error ? `${exit.error.type}: ${exit.error.message}` : `exit code ${exit.code}`;
      if (exit.error?.traceback) this.#line({ stream: 'stderr', text: exit.error.traceback });
    } else {
      this.state = 'stopped';
      this.detail = exit.reason === 'stopped' ? 'killed' : `exited with code ${exit.code}`;
    }
    this.#line({ stream: 'system', text: `[process exited: code ${exit.code}, ${exit.reason}]` });
    this.#emit();
  }

  /** Terminates the Web Worker at once (Worker.terminate()). */
  kill(): void {
    this.#process?.kill();
  }

  restart(): void {
    this.kill();
    this.start();
  }
}
