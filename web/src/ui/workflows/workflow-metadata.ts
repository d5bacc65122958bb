// The built-in `__temporal_workflow_metadata` query: Temporal SDKs answer it,
// without user code, with a temporal.api.sdk.v1.WorkflowMetadata message
// (proto3 JSON: {"definition":{"type", "queryDefinitions", "signalDefinitions",
// "updateDefinitions"}}). The detail view uses it to offer a run's real query
// and signal names.

export const METADATA_QUERY = '__temporal_workflow_metadata';

export interface Interaction {
  name: string;
  description?: string;
}

export interface WorkflowDefinitionInfo {
  type: string;
  queries: Interaction[];
  signals: Interaction[];
  updates: Interaction[];
}

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Named handlers, application ones first, then the SDK's `__` built-ins; unnamed (dynamic) ones dropped. */
function interactions(value: unknown): Interaction[] {
  if (!Array.isArray(value)) return [];
  const out: Interaction[] = [];
  for (const item of value) {
    const r = record(item);
    if (!r || typeof r.name !== 'string' || r.name === '') continue;
    const description = typeof r.description === 'string' && r.description.trim() ? r.description.trim() : undefined;
    out.push(description ? { name: r.name, description } : { name: r.name });
  }
  const builtIn = (i: Interaction) => (i.name.startsWith('__') ? 1 : 0);
  return out.map((item, index) => ({ item, index }))
    .sort((a, b) => builtIn(a.item) - builtIn(b.item) || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * Reads the answer to `__temporal_workflow_metadata`: the decoded payload value
 * (an object, or the JSON text of a json/protobuf payload). Accepts the proto3
 * JSON names and the original snake_case ones. Returns null if it is not one.
 */
export function parseWorkflowMetadata(answer: unknown): WorkflowDefinitionInfo | null {
  let value = answer;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  const definition = record(record(value)?.definition);
  if (!definition) return null;
  const pick = (camel: string, snake: string) => definition[camel] ?? definition[snake];
  return {
    type: typeof definition.type === 'string' ? definition.type : '',
    queries: interactions(pick('queryDefinitions', 'query_definitions')),
    signals: interactions(pick('signalDefinitions', 'signal_definitions')),
    updates: interactions(pick('updateDefinitions', 'update_definitions')),
  };
}

/** The datalist option label: the description's first line (its summary, by convention). */
export function optionLabel(item: Interaction): string | undefined {
  const first = item.description?.split('\n')[0]?.trim();
  return first || undefined;
}
