// Hash routes: #/workflows, #/workflows/<workflowId>/<runId>, #/processes, #/mcp.
export type Route =
  | { name: 'workflows' }
  | { name: 'workflow'; workflowId: string; runId?: string }
  | { name: 'processes' }
  | { name: 'mcp' };

export const DEFAULT_HASH = '#/workflows';

export function parseRoute(hash: string): Route | null {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '');
  try {
    if (parts.length === 0) return null;
    if (parts[0] === 'processes' && parts.length === 1) return { name: 'processes' };
    if (parts[0] === 'mcp' && parts.length === 1) return { name: 'mcp' };
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
