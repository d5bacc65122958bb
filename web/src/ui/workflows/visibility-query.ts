// Builds the visibility query the engine understands:
// clauses `Key = 'value'` joined by AND (WorkflowType, WorkflowId, ExecutionStatus).

export const EXECUTION_STATUSES = ['Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut'] as const;

export interface ListFilters {
  workflowType?: string;
  status?: string;
}

function quote(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  throw new Error('A filter value cannot contain both \' and " quotes.');
}

export function buildVisibilityQuery(filters: ListFilters): string {
  const clauses: string[] = [];
  const type = filters.workflowType?.trim();
  if (type) clauses.push(`WorkflowType = ${quote(type)}`);
  if (filters.status) {
    if (!(EXECUTION_STATUSES as readonly string[]).includes(filters.status)) throw new Error(`Unknown status ${filters.status}`);
    clauses.push(`ExecutionStatus = '${filters.status}'`);
  }
  return clauses.join(' AND ');
}

/** "WORKFLOW_EXECUTION_STATUS_TIMED_OUT" -> "TimedOut". */
export function statusLabel(status: string | undefined): string {
  if (!status) return 'Unknown';
  const raw = status.replace(/^WORKFLOW_EXECUTION_STATUS_/, '');
  return raw
    .toLowerCase()
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : ''))
    .join('');
}
