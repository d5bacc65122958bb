// Tiny DOM builder. Text is always set with textContent: workflow IDs,
// payloads and failure messages are user data and never parsed as HTML.

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; title?: string; attrs?: Record<string, string>; on?: Partial<Record<keyof HTMLElementEventMap, (e: any) => void>> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== undefined) el.textContent = props.text;
  if (props.title) el.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const [k, fn] of Object.entries(props.on ?? {})) if (fn) el.addEventListener(k, fn as EventListener);
  for (const c of children) if (c) el.append(c);
  return el;
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

export function statusBadge(label: string): HTMLElement {
  return h('span', { class: `wf-badge wf-status-${label.toLowerCase()}`, text: label });
}

/** A <datalist> whose options remember used values in localStorage. */
export function rememberedDatalist(id: string, storageKey: string, defaults: string[]): {
  list: HTMLDataListElement;
  remember(value: string): void;
  /** Names learnt from the workflow itself: listed first, with an optional label, marked data-from="metadata". */
  offer(items: Array<{ value: string; label?: string }>): void;
} {
  const list = h('datalist', { attrs: { id } });
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
    const first = offered.map((o) => h('option', { attrs: { value: o.value, 'data-from': 'metadata', ...(o.label ? { label: o.label } : {}) } }));
    const seen = new Set(offered.map((o) => o.value));
    const rest = [...new Set([...read(), ...defaults])].filter((v) => !seen.has(v)).map((v) => h('option', { attrs: { value: v } }));
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
