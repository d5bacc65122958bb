// The one element builder of the UI: h('button', {class: 'x', type: 'button', onclick}, 'text', child).
// Attributes are set with setAttribute (a null, undefined or false value is left
// out, true sets an empty attribute); an `on…` key with a function adds a listener.
// A string child is appended as a Text node, never parsed as HTML: workflow IDs,
// payloads, failure messages and lab content are user data.
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | null | undefined | false)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value as EventListener);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
