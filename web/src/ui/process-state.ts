// What the processes panel shows for a process, and which processes the user
// left running (kept in localStorage so a reload starts them again).
export type ProcessState = 'loading' | 'running' | 'crashed' | 'stopped';
export type ProcessName = 'server' | 'python';

const KEY = 'durable-lab:running-processes';

function read(): Partial<Record<ProcessName, boolean>> {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

/** Whether the process should run when the page loads (it does unless the user stopped it). */
export function wantsRunning(name: ProcessName): boolean {
  return read()[name] !== false;
}

export function rememberRunning(name: ProcessName, running: boolean): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...read(), [name]: running }));
  } catch {
    // Storage may be unavailable (private mode): the processes then simply start on every load.
  }
}
