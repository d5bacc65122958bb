// "Start workflow": StartWorkflowExecution with a json/plain input payload.
import { DEFAULT_INVOICE, DEFAULT_TASK_QUEUE, DEFAULT_WORKFLOW_TYPE } from '../workspace/index.ts';
import type { Disposable, UiDeps } from './deps.ts';
import { errorMessage, h } from './dom.ts';
import { encodePayload } from './payloads.ts';

export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Parses the input field: empty means no input; anything else must be JSON. */
export function parseInput(text: string): { ok: true; value: unknown; empty: boolean } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: undefined, empty: true };
  try {
    return { ok: true, value: JSON.parse(text), empty: false };
  } catch (error) {
    return { ok: false, error: `The input is not valid JSON: ${errorMessage(error)}` };
  }
}

export function mountStartWorkflowForm(root: HTMLElement, deps: UiDeps): Disposable {
  const field = (label: string, input: HTMLInputElement | HTMLTextAreaElement) =>
    h('label', { class: 'field' }, h('span', {}, label), input);
  const type = h('input', { name: 'workflowType', required: true, value: DEFAULT_WORKFLOW_TYPE, autocomplete: 'off' });
  const id = h('input', { name: 'workflowId', required: true, value: `invoice-${newId()}`, autocomplete: 'off' });
  const queue = h('input', { name: 'taskQueue', required: true, value: DEFAULT_TASK_QUEUE, autocomplete: 'off' });
  const input = h('textarea', { name: 'input', rows: 9, spellcheck: false, class: 'code' });
  input.value = JSON.stringify(DEFAULT_INVOICE, null, 2);
  const message = h('p', { class: 'form-message', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Start workflow');

  const show = (text: string | Node, error = false) => {
    message.replaceChildren(text);
    message.classList.toggle('error', error);
    message.setAttribute('role', error ? 'alert' : 'status');
  };

  const form = h('form', { class: 'start-form', 'aria-labelledby': 'start-title', novalidate: true },
    h('h2', { id: 'start-title' }, 'Start workflow'),
    h('div', { class: 'form-row' }, field('Workflow type', type), field('Workflow ID', id), field('Task queue', queue)),
    field('Input (JSON)', input),
    h('div', { class: 'form-actions' }, submit, message),
  );

  input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const parsed = parseInput(input.value);
    if (!parsed.ok) {
      input.setAttribute('aria-invalid', 'true');
      show(parsed.error, true);
      input.focus();
      return;
    }
    for (const [el, what] of [[type, 'a workflow type'], [id, 'a workflow ID'], [queue, 'a task queue']] as const) {
      if (!el.value.trim()) { show(`Enter ${what}.`, true); el.focus(); return; }
    }
    submit.disabled = true;
    show('Starting…');
    const workflowId = id.value.trim();
    try {
      const started = await deps.service.call<{ runId: string }>('StartWorkflowExecution', {
        namespace: 'default',
        workflowId,
        workflowType: { name: type.value.trim() },
        taskQueue: { name: queue.value.trim(), kind: 'TASK_QUEUE_KIND_NORMAL' },
        ...(parsed.empty ? {} : { input: { payloads: [encodePayload(parsed.value)] } }),
        identity: 'durable-lab-ui',
        requestId: newId(),
      });
      const href = `#/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(started.runId)}`;
      show(h('span', {}, 'Started ', h('a', { href }, workflowId), ` (run ${started.runId}).`));
      id.value = `invoice-${newId()}`;
    } catch (error) {
      show(`Could not start the workflow: ${errorMessage(error)}`, true);
    } finally {
      submit.disabled = false;
    }
  });

  root.append(form);
  return { dispose: () => form.remove() };
}
