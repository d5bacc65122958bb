// Supervises the Python worker (worker.py on the workspace's files): a process the page
// can kill and restart. Its WorkflowService calls go over a MessageChannel to
// the page, which relays them to the server worker (whichever one is running).
// Each start is a fresh Web Worker: its workflows are rebuilt by replay.
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

export class PythonSupervisor {
  state: ProcessState = 'stopped';
  detail = '';
  /** Loading progress from 0 to 1 while state is 'loading'. */
  progress = 0;
  readonly lines: ConsoleLine[] = [];
  #process: PythonWorkerProcess | null = null;
  #serving: RpcServing | null = null;
  readonly #listeners = new Set<() => void>();
  readonly #lineListeners = new Set<(line: ConsoleLine) => void>();

  constructor(
    private readonly files: () => Record<string, string>,
    private readonly service: WorkflowService,
    private readonly baseUrl: string,
    private readonly entry = 'worker.py',
  ) {}

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
    this.#serving = serveRpc(channel.port1, this.service);
    this.state = 'loading';
    this.progress = 0;
    this.detail = 'starting';
    this.#line({ stream: 'system', text: `$ python ${this.entry}` });
    const process = new PythonWorkerProcess({
      files: this.files(),
      entry: this.entry,
      serverPort: channel.port2,
      baseUrl: this.baseUrl,
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
          this.detail = 'worker.py is polling invoice-task-queue';
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
