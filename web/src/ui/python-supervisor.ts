// Supervises one Python process on the workspace's files: the worker
// (worker.py) or the MCP server (mcp_servers/invoice.py), of the chapter's
// example or the active lab (labs/workspace.ts). The page can kill and
// restart it; each start reads the workspace anew, so it runs the code as it
// is at that moment, and remembers which code that was. Its WorkflowService calls go over a MessageChannel to the
// page, which relays them to the server worker (whichever one is running).
// Each start is a fresh Web Worker: a worker's workflows are rebuilt by
// replay; an MCP server gets a fresh MCP port, handed to the page's MCP
// connection once the server serves.
import { PythonWorkerProcess } from '../processes/controller.ts';
import { describeOrigin, type WorkspaceProgram } from '../labs/workspace.ts';
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
  /** The files and script to run, read at each start (so a restart runs the code as it is now). */
  program: () => WorkspaceProgram;
  service: WorkflowService;
  /** The site's base URL (document.baseURI). */
  baseUrl: string;
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
  #program: WorkspaceProgram | null = null;
  #serving: RpcServing | null = null;
  #mcpPort: MessagePort | null = null;
  #mcpPortServing = false;
  readonly #listeners = new Set<() => void>();
  readonly #lineListeners = new Set<(line: ConsoleLine) => void>();

  constructor(private readonly options: PythonSupervisorOptions) {}

  /** The script the process runs, or would run if started now. */
  get entry(): string {
    return (this.#program ?? this.options.program()).entry;
  }

  /** What the latest start ran (kept after the process ends, so a crash names its code); null before the first start. */
  get program(): WorkspaceProgram | null {
    return this.#program;
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
    const program = this.options.program();
    this.#program = program;
    this.#line({ stream: 'system', text: `$ python ${program.entry}    # ${describeOrigin(program.origin)}` });
    const process = new PythonWorkerProcess({
      files: program.files,
      entry: program.entry,
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
