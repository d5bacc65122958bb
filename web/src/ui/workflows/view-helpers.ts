// Small pieces shared by the workflows views: how times are shown, the status
// badge, and the name pickers that remember what was typed. Elements are built
// with h from ../dom.ts.
import { h } from '../dom.ts';

export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

export function statusBadge(label: string): HTMLElement {
  return h('span', { class: `wf-badge wf-status-${label.toLowerCase()}` }, label);
}

/** A <datalist> whose options remember used values in localStorage. */
export function rememberedDatalist(id: string, storageKey: string, defaults: string[]): {
  list: HTMLDataListElement;
  remember(value: string): void;
  /** Names learnt from the workflow itself: listed first, with an optional label, marked data-from="metadata". */
  offer(items: Array<{ value: string; label?: string }>): void;
} {
  const list = h('datalist', { id });
  let offered: Array<{ value: string; label?: string }> = [];
  const read = (): string[] => {
    try {
      const v = JSON.parse(localStorage.getItem(storageKey) ?? '[]');
      return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
    } catch {
      return [];
    }
  };
  const render = () => {
    const first = offered.map((o) => h('option', { value: o.value, 'data-from': 'metadata', ...(o.label ? { label: o.label } : {}) }));
    const seen = new Set(offered.map((o) => o.value));
    const rest = [...new Set([...read(), ...defaults])].filter((v) => !seen.has(v)).map((v) => h('option', { value: v }));
    list.replaceChildren(...first, ...rest);
  };
  render();
  return {
    list,
    remember(value: string) {
      if (!value) return;
      const values = [value, ...read().filter((v) => v !== value)].slice(0, 20);
      try {
        localStorage.setItem(storageKey, JSON.stringify(values));
      } catch {
        /* storage full or disabled: the list just does not remember */
      }
      render();
    },
    offer(items) {
      offered = items.filter((o, i) => o.value && items.findIndex((x) => x.value === o.value) === i);
      render();
    },
  };
}
