// Hash routes: #/labs, #/labs/<number or id>, #/workflows,
// #/workflows/<workflowId>/<runId>, #/processes, #/mcp.
export type Route =
  | { name: 'labs' }
  /** `ref` is the lab's number as written ("03") or its id ("03-child-workflows"). */
  | { name: 'lab'; ref: string }
  | { name: 'workflows' }
  | { name: 'workflow'; workflowId: string; runId?: string }
  | { name: 'processes' }
  | { name: 'mcp' };

/** A first visit starts at the list of labs. */
export const DEFAULT_HASH = '#/labs';

export function parseRoute(hash: string): Route | null {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '');
  try {
    if (parts.length === 0) return null;
    if (parts[0] === 'processes' && parts.length === 1) return { name: 'processes' };
    if (parts[0] === 'mcp' && parts.length === 1) return { name: 'mcp' };
    if (parts[0] === 'labs') {
      if (parts.length === 1) return { name: 'labs' };
      if (parts.length === 2) return { name: 'lab', ref: decodeURIComponent(parts[1]!) };
    }
    if (parts[0] === 'workflows') {
      if (parts.length === 1) return { name: 'workflows' };
      if (parts.length <= 3) {
        const workflowId = decodeURIComponent(parts[1]!);
        return parts[2] ? { name: 'workflow', workflowId, runId: decodeURIComponent(parts[2]) } : { name: 'workflow', workflowId };
      }
    }
  } catch {
    // A malformed %-escape: fall through to the default route.
  }
  return null;
}

export function workflowHash(workflowId: string, runId?: string): string {
  return `#/workflows/${encodeURIComponent(workflowId)}${runId ? `/${encodeURIComponent(runId)}` : ''}`;
}

export function labHash(ref: string): string {
  return `#/labs/${encodeURIComponent(ref)}`;
}
