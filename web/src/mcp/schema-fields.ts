// A tool's inputSchema as form fields, and form values back to the call's
// arguments, as the MCP Inspector does it: strings, numbers and booleans get
// their own inputs, enums a choice, Optional[X] (anyOf with null) the input
// of X; anything nested (objects, arrays, dataclasses) is edited as JSON.
// No DOM here: the client panel (web/src/ui/mcp/schema-form.ts) renders it.

type JsonSchema = Record<string, unknown>;

export type FieldKind = 'text' | 'integer' | 'number' | 'checkbox' | 'choice' | 'json';

export interface FieldDescriptor {
  /** The argument's name (the property in inputSchema). */
  name: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  /** For 'choice': the values offered. */
  options?: readonly unknown[];
  /** For 'json': the JSON type the value must have, when the schema says. */
  jsonType?: 'object' | 'array';
  /** The schema's default, when it gives one (null defaults are not pre-filled). */
  defaultValue?: unknown;
}

/**
 * What the inputs hold: text for text, number and JSON inputs; the checked
 * state for checkboxes; for a choice, the index of the option as text ('' for
 * none).
 */
export type FormValues = Record<string, string | boolean>;

export type ArgumentsOutcome =
  | { ok: true; args: Record<string, unknown> }
  | { ok: false; errors: Record<string, string> };

const isObject = (value: unknown): value is JsonSchema => !!value && typeof value === 'object' && !Array.isArray(value);

/** Follows a local $ref ("#/$defs/Invoice"), as Pydantic writes models and dataclasses. */
function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let target: unknown = root;
  for (const part of ref.slice(2).split('/')) target = isObject(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  const { $ref: _ref, ...siblings } = schema;
  return isObject(target) ? { ...target, ...siblings } : schema;
}

/** Strips null from a union (anyOf, oneOf or a type list): Optional[X] is edited as X. */
function withoutNull(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const variants = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(variants)) {
    const rest = variants.filter((variant) => !(isObject(variant) && variant.type === 'null'));
    if (rest.length === 1 && isObject(rest[0])) {
      const { anyOf: _anyOf, oneOf: _oneOf, ...outer } = schema;
      return { ...resolve(rest[0], root), ...outer };
    }
    return schema;
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((type) => type !== 'null');
    return types.length === 1 ? { ...schema, type: types[0] } : schema;
  }
  return schema;
}

function fieldFor(name: string, property: JsonSchema, required: boolean, root: JsonSchema): FieldDescriptor {
  const schema = withoutNull(resolve(property, root), root);
  const field: FieldDescriptor = { name, kind: 'json', required };
  if (typeof schema.description === 'string') field.description = schema.description;
  if (schema.default !== undefined && schema.default !== null) field.defaultValue = schema.default;

  const options = Array.isArray(schema.enum) ? schema.enum.filter((option) => option !== null)
    : 'const' in schema ? [schema.const] : null;
  if (options) return { ...field, kind: 'choice', options };
  switch (schema.type) {
    case 'string': return { ...field, kind: 'text' };
    case 'integer': return { ...field, kind: 'integer' };
    case 'number': return { ...field, kind: 'number' };
    case 'boolean':
      // A checkbox cannot say "not given": an optional boolean without a default is a choice.
      return required || field.defaultValue !== undefined ? { ...field, kind: 'checkbox' } : { ...field, kind: 'choice', options: [true, false] };
    case 'object': case 'array': return { ...field, jsonType: schema.type };
    default: return field;
  }
}

/** One field per property of the tool's inputSchema, in the schema's order. */
export function fieldsFromSchema(inputSchema: JsonSchema): FieldDescriptor[] {
  const properties = isObject(inputSchema.properties) ? inputSchema.properties : {};
  const required = new Set(Array.isArray(inputSchema.required) ? inputSchema.required : []);
  return Object.entries(properties).map(([name, property]) =>
    fieldFor(name, isObject(property) ? property : {}, required.has(name), inputSchema));
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The value an input shows for an argument value. */
function inputValue(field: FieldDescriptor, value: unknown): string | boolean {
  if (value === undefined) return field.kind === 'checkbox' ? false : '';
  switch (field.kind) {
    case 'checkbox': return value === true;
    case 'choice': {
      const index = field.options!.findIndex((option) => sameJson(option, value));
      return index < 0 ? '' : String(index);
    }
    case 'json': return JSON.stringify(value, null, 2);
    default: return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** The inputs' starting values: each field's default, else empty. */
export function initialValues(fields: readonly FieldDescriptor[]): FormValues {
  return Object.fromEntries(fields.map((field) => [field.name, inputValue(field, field.defaultValue)]));
}

/** The inputs' values for an arguments object (switching from raw JSON back to the form). */
export function valuesFromArguments(fields: readonly FieldDescriptor[], args: Record<string, unknown>): { values: FormValues; unknownNames: string[] } {
  const names = new Set(fields.map((field) => field.name));
  return {
    values: Object.fromEntries(fields.map((field) => [field.name, inputValue(field, args[field.name])])),
    unknownNames: Object.keys(args).filter((name) => !names.has(name)),
  };
}

type Converted = { value: unknown } | { omitted: true } | { error: string };

/** One input's value as an argument, or why it cannot be sent. */
export function convertField(field: FieldDescriptor, input: string | boolean | undefined): Converted {
  if (field.kind === 'checkbox') return { value: input === true };
  const text = typeof input === 'string' ? input : '';
  if (text.trim() === '') return field.required ? { error: 'Required.' } : { omitted: true };
  switch (field.kind) {
    case 'text':
      return { value: text };
    case 'integer': case 'number': {
      const number = Number(text);
      if (!Number.isFinite(number)) return { error: 'Enter a number.' };
      if (field.kind === 'integer' && !Number.isInteger(number)) return { error: 'Enter a whole number.' };
      return { value: number };
    }
    case 'choice': {
      const option = field.options![Number(text)];
      return option === undefined ? { error: 'Choose one of the options.' } : { value: option };
    }
    case 'json': {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        return { error: `Not valid JSON: ${(error as Error).message}` };
      }
      if (field.jsonType === 'object' && !isObject(value)) return { error: 'Expected a JSON object ({ ... }).' };
      if (field.jsonType === 'array' && !Array.isArray(value)) return { error: 'Expected a JSON array ([ ... ]).' };
      return { value };
    }
  }
}

/** The call's arguments from the inputs, or an error for each input that cannot be sent. */
export function argumentsFromValues(fields: readonly FieldDescriptor[], values: FormValues): ArgumentsOutcome {
  const args: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const converted = convertField(field, values[field.name]);
    if ('error' in converted) errors[field.name] = converted.error;
    else if ('value' in converted) args[field.name] = converted.value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, args };
}

/**
 * The arguments as far as the inputs allow, for the raw-JSON editor: an input
 * that does not convert keeps its text, so nothing typed is lost.
 */
export function draftArguments(fields: readonly FieldDescriptor[], values: FormValues): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const field of fields) {
    const converted = convertField(field, values[field.name]);
    if ('value' in converted) args[field.name] = converted.value;
    else if ('error' in converted && typeof values[field.name] === 'string' && values[field.name] !== '') args[field.name] = values[field.name];
  }
  return args;
}

/** The raw-JSON editor's text as the arguments object; anything goes as long as it is a JSON object. */
export function parseRawArguments(text: string): { ok: true; args: Record<string, unknown> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text.trim() === '' ? '{}' : text);
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${(error as Error).message}` };
  }
  return isObject(value) ? { ok: true, args: value } : { ok: false, error: 'The arguments must be a JSON object ({ ... }).' };
}
