// The server's virtual clock on the page: refreshed with GetCurrentTime and
// ticking locally (at real speed) between refreshes.
import type { WorkflowService } from './deps.ts';

export class VirtualClock {
  #base: number | null = null;
  #at = 0;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly service: WorkflowService) {}

  /** Virtual milliseconds since the epoch (the browser's time until the server first answered). */
  now(): number {
    return this.#base === null ? Date.now() : this.#base + (performance.now() - this.#at);
  }

  get known(): boolean {
    return this.#base !== null;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Takes the server's time from a reply such as GetCurrentTime's or SkipTime's ({time: RFC 3339}). */
  set(time: string | undefined): void {
    const ms = time ? Date.parse(time) : NaN;
    if (Number.isNaN(ms)) return;
    this.#base = ms;
    this.#at = performance.now();
    for (const listener of this.#listeners) listener();
  }

  async refresh(): Promise<void> {
    const reply = await this.service.call<{ time?: string }>('GetCurrentTime', {});
    this.set(reply.time);
  }
}

export function formatVirtualTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
