// What the processes panel shows for a process, and which processes the user
// left running (kept in localStorage so a reload starts them again).
export type ProcessState = 'loading' | 'running' | 'crashed' | 'stopped';
export type ProcessName = 'server' | 'python' | 'mcp';

/**
 * Whether a process runs on a first visit. The MCP server starts when the
 * page connects to it (like Claude Desktop launching a server), not before.
 */
const RUNS_BY_DEFAULT: Record<ProcessName, boolean> = { server: true, python: true, mcp: false };

const KEY = 'durable-lab:running-processes';

function read(): Partial<Record<ProcessName, boolean>> {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

/** Whether the process should run when the page loads: as the user left it, else its default. */
export function wantsRunning(name: ProcessName): boolean {
  return read()[name] ?? RUNS_BY_DEFAULT[name];
}

export function rememberRunning(name: ProcessName, running: boolean): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...read(), [name]: running }));
  } catch {
    // Storage may be unavailable (private mode): the processes then simply start on every load.
  }
}
