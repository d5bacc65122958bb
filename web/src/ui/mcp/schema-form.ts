// The client panel's arguments form: one labelled input per field of the
// tool's inputSchema (web/src/mcp/schema-fields.ts decides which), required
// fields marked and checked, JSON errors shown at the field before anything
// is sent, and a switch to edit the whole arguments object as raw JSON.
import {
  argumentsFromValues, convertField, draftArguments, parseRawArguments, valuesFromArguments,
  type FieldDescriptor, type FormValues,
} from '../../mcp/schema-fields.ts';
import { h } from '../dom.ts';
import { prettyJson } from './result-view.ts';

/** What the user entered for one tool; kept by the panel so it survives re-rendering. */
export interface FormState {
  values: FormValues;
  raw: boolean;
  rawText: string;
}

export interface SchemaFormOptions {
  /** Makes the form's element IDs unique on the page. */
  idPrefix: string;
  fields: readonly FieldDescriptor[];
  state: FormState;
  onSubmit(args: Record<string, unknown>): Promise<void>;
}

interface Control {
  field: FieldDescriptor;
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  error: HTMLElement;
  read(): string | boolean;
  write(value: string | boolean): void;
}

/** Marks an input invalid with its message (or clears it). */
function setError(input: HTMLElement, error: HTMLElement, message: string | null): void {
  error.textContent = message ?? '';
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/** The field's type as the schema says it, shown beside its name. */
const TYPE_HINTS: Record<FieldDescriptor['kind'], string> = {
  text: 'string', integer: 'integer', number: 'number', checkbox: 'boolean', choice: 'one of', json: 'JSON',
};

function typeHint(field: FieldDescriptor): string {
  return field.jsonType ? `JSON ${field.jsonType}` : TYPE_HINTS[field.kind];
}

function optionLabel(option: unknown): string {
  return typeof option === 'string' ? option : JSON.stringify(option);
}

function createControl(field: FieldDescriptor, id: string): { control: Control; element: HTMLElement } {
  const describedBy = [`${id}-error`, field.description ? `${id}-description` : ''].filter(Boolean).join(' ');
  const common = { id, name: field.name, 'aria-describedby': describedBy, required: field.required, 'aria-required': field.required ? 'true' : null };
  let input: Control['input'];
  switch (field.kind) {
    // Unchecked is a value (false), so a checkbox is never missing.
    case 'checkbox': input = h('input', { ...common, type: 'checkbox', required: false, 'aria-required': null }); break;
    case 'integer': input = h('input', { ...common, type: 'number', step: 1, inputmode: 'numeric' }); break;
    case 'number': input = h('input', { ...common, type: 'number', step: 'any' }); break;
    case 'text': input = h('input', { ...common, type: 'text', autocomplete: 'off', spellcheck: 'false' }); break;
    case 'choice':
      input = h('select', common,
        h('option', { value: '' }, field.required ? 'Choose…' : '(not given)'),
        ...field.options!.map((option, index) => h('option', { value: String(index) }, optionLabel(option))));
      break;
    case 'json':
      input = h('textarea', {
        ...common, class: 'code', rows: 6, spellcheck: 'false',
        placeholder: field.jsonType === 'array' ? 'a JSON array, e.g. [ ... ]' : field.jsonType === 'object' ? 'a JSON object, e.g. { ... }' : 'any JSON value',
      });
      break;
  }
  const error = h('p', { id: `${id}-error`, class: 'mcp-field-error' });
  const control: Control = {
    field, input, error,
    read: () => (input instanceof HTMLInputElement && input.type === 'checkbox' ? input.checked : input.value),
    write: (value) => {
      if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = value === true;
      else input.value = typeof value === 'string' ? value : '';
    },
  };
  const label = h('label', { for: id, class: 'mcp-field-name' }, field.name,
    field.required && h('span', { class: 'mcp-required', title: 'required' }, ' *'),
    h('span', { class: 'mcp-field-kind' }, ` ${typeHint(field)}`));
  const element = h('div', { class: `field mcp-field${field.kind === 'checkbox' ? ' mcp-field-checkbox' : ''}` },
    field.kind === 'checkbox' ? h('div', { class: 'mcp-checkbox-row' }, input, label) : label,
    field.description && h('small', { id: `${id}-description`, class: 'mcp-hint' }, field.description),
    field.kind === 'checkbox' ? null : input,
    error,
  );
  return { control, element };
}

export function mountSchemaForm(options: SchemaFormOptions): HTMLFormElement {
  const { fields, state, idPrefix } = options;
  const controls = fields.map((field) => createControl(field, `${idPrefix}-${field.name.replace(/\s/g, '_')}`));
  for (const { control } of controls) {
    control.write(state.values[control.field.name] ?? '');
    // 'input' fires for every kind here, checkboxes and selects included.
    control.input.addEventListener('input', () => {
      state.values[control.field.name] = control.read();
      // JSON is checked as it is typed; other inputs when the call is made.
      if (control.field.kind === 'json') {
        const converted = convertField(control.field, control.read());
        setError(control.input, control.error, 'error' in converted && control.read() !== '' ? converted.error : null);
      } else {
        setError(control.input, control.error, null);
      }
    });
  }

  const rawSwitch = h('input', { type: 'checkbox', role: 'switch', id: `${idPrefix}-raw-switch` });
  const rawInput = h('textarea', {
    id: `${idPrefix}-raw`, class: 'code', rows: 8, spellcheck: 'false', 'aria-describedby': `${idPrefix}-raw-error`,
  });
  const rawError = h('p', { id: `${idPrefix}-raw-error`, class: 'mcp-field-error' });
  const rawEditor = h('div', { class: 'field mcp-raw' }, h('label', { for: rawInput.id }, 'Arguments (JSON object)'), rawInput, rawError);
  const fieldList = h('div', { class: 'mcp-fields' },
    ...(controls.length ? controls.map((c) => c.element) : [h('p', { class: 'mcp-hint' }, 'This tool takes no arguments.')]));
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Call tool');
  const message = h('p', { class: 'form-message', role: 'status' });
  const form = h('form', { class: 'mcp-tool-form', novalidate: true },
    h('label', { class: 'switch' }, rawSwitch, ' Edit the arguments as raw JSON'),
    fieldList, rawEditor,
    h('div', { class: 'form-actions' }, submit, message),
  );

  rawInput.value = state.rawText;
  rawInput.addEventListener('input', () => {
    state.rawText = rawInput.value;
    setError(rawInput, rawError, null);
  });
  const showRaw = (raw: boolean) => {
    state.raw = raw;
    rawSwitch.checked = raw;
    rawEditor.hidden = !raw;
    fieldList.hidden = raw;
  };
  rawSwitch.addEventListener('change', () => {
    message.textContent = '';
    if (rawSwitch.checked) {
      state.rawText = prettyJson(draftArguments(fields, state.values));
      rawInput.value = state.rawText;
      showRaw(true);
      return;
    }
    // Back to the form only if the form can show everything the JSON says.
    const keepRaw = (problem: string) => {
      setError(rawInput, rawError, problem);
      showRaw(true);
    };
    const parsed = parseRawArguments(rawInput.value);
    if (!parsed.ok) return keepRaw(parsed.error);
    const back = valuesFromArguments(fields, parsed.args);
    if (back.unknownNames.length) return keepRaw(`The form has no input for ${back.unknownNames.join(', ')}: remove it here, or keep editing the raw JSON.`);
    state.values = back.values;
    for (const { control } of controls) {
      control.write(state.values[control.field.name] ?? '');
      setError(control.input, control.error, null);
    }
    showRaw(false);
  });
  showRaw(state.raw);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    let args: Record<string, unknown>;
    if (state.raw) {
      const parsed = parseRawArguments(rawInput.value);
      if (!parsed.ok) {
        setError(rawInput, rawError, parsed.error);
        rawInput.focus();
        return;
      }
      args = parsed.args;
    } else {
      const outcome = argumentsFromValues(fields, state.values);
      for (const { control } of controls) setError(control.input, control.error, outcome.ok ? null : outcome.errors[control.field.name] ?? null);
      message.classList.toggle('error', !outcome.ok);
      if (!outcome.ok) {
        message.textContent = 'Not sent: fix the marked fields.';
        controls.find(({ control }) => outcome.errors[control.field.name])?.control.input.focus();
        return;
      }
      args = outcome.args;
    }
    submit.disabled = true;
    submit.textContent = 'Calling…';
    try {
      await options.onSubmit(args);
    } finally {
      submit.disabled = false;
      submit.textContent = 'Call tool';
    }
  });
  return form;
}
