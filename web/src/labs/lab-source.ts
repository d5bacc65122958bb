// Where the page gets its labs: labs/index.json and labs/<id>.json, which
// vite-plugin.ts ships next to the page. Each is fetched once per page load
// (a failed fetch is tried again next time), and a lab is found by its number
// ("03", as in #/labs/03) or its id ("03-child-workflows").
import type { Lab, LabIndex, LabSummary } from './catalog.ts';

export type FetchJson = (url: string) => Promise<unknown>;

export class LabSource {
  #index: Promise<LabSummary[]> | undefined;
  readonly #labs = new Map<string, Promise<Lab>>();

  constructor(private readonly baseUrl: string, private readonly fetchJson: FetchJson = fetchJsonFromSite) {}

  index(): Promise<LabSummary[]> {
    if (!this.#index) {
      const index = this.#fetch<LabIndex>('labs/index.json').then((found) => found.labs);
      this.#index = index;
      index.catch(() => { if (this.#index === index) this.#index = undefined; });
    }
    return this.#index;
  }

  lab(id: string): Promise<Lab> {
    let lab = this.#labs.get(id);
    if (!lab) {
      lab = this.#fetch<Lab>(`labs/${encodeURIComponent(id)}.json`);
      this.#labs.set(id, lab);
      lab.catch(() => this.#labs.delete(id));
    }
    return lab;
  }

  #fetch<T>(path: string): Promise<T> {
    return this.fetchJson(new URL(path, this.baseUrl).href) as Promise<T>;
  }
}

/** The lab a route names: by number ("03", "3") or by id; null if there is none. */
export function findLab(labs: LabSummary[], ref: string): LabSummary | null {
  if (/^\d{1,3}$/.test(ref)) return labs.find((lab) => lab.number === Number(ref)) ?? null;
  return labs.find((lab) => lab.id === ref) ?? null;
}

async function fetchJsonFromSite(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`.trim());
  return response.json();
}
