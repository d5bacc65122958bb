// The connection bar: the page's MCP connection as Claude Desktop's server
// settings show it (state, Connect / Disconnect), plus what the handshake
// told us (server name and version, protocol revision, capabilities,
// instructions) and the last error.
import type { McpConnection } from '../../mcp/connection.ts';
import type { Disposable } from '../deps.ts';
import { h } from '../dom.ts';
import { rememberRunning } from '../process-state.ts';

/** Connects, and remembers that the user wants the MCP server running (a reload starts it again). */
export function connectRemembering(connection: McpConnection): Promise<void> {
  rememberRunning('mcp', true);
  return connection.connect();
}

/** "tools (listChanged), logging": each capability with the flags it sets. */
function capabilityList(capabilities: Record<string, unknown>): string {
  return Object.entries(capabilities).map(([name, value]) => {
    const flags = value && typeof value === 'object' ? Object.entries(value).filter(([, on]) => on === true).map(([flag]) => flag) : [];
    return flags.length ? `${name} (${flags.join(', ')})` : name;
  }).join(', ') || 'none';
}

export function mountConnectionBar(connection: McpConnection): { element: HTMLElement } & Disposable {
  const state = h('span', { class: 'mcp-state', 'data-testid': 'mcp-connection-state', role: 'status' });
  const connect = h('button', {
    type: 'button', class: 'primary small',
    onclick: () => { void connectRemembering(connection).catch(() => { /* shown as connection.error */ }); },
  }, 'Connect');
  const disconnect = h('button', {
    type: 'button', class: 'small',
    onclick: () => { rememberRunning('mcp', false); void connection.disconnect(); },
  }, 'Disconnect');
  const facts = h('dl', { class: 'mcp-facts' });
  const instructionsText = h('p', {});
  const instructions = h('details', { class: 'mcp-instructions' }, h('summary', {}, 'Server instructions'), instructionsText);
  const error = h('p', { class: 'mcp-error', role: 'alert' });
  const element = h('section', { class: 'panel mcp-connection', 'aria-labelledby': 'mcp-connection-title' },
    h('div', { class: 'mcp-connection-head' },
      h('h2', { id: 'mcp-connection-title' }, 'MCP server connection'),
      state, connect, disconnect,
    ),
    facts, instructions, error,
  );

  const fact = (label: string, value: string) => [h('dt', {}, label), h('dd', {}, value)];
  const render = () => {
    state.textContent = connection.state;
    state.className = `mcp-state mcp-state-${connection.state}`;
    connect.disabled = connection.state !== 'disconnected';
    disconnect.disabled = connection.state !== 'connected';
    const connected = connection.state === 'connected';
    const server = connection.serverInfo;
    facts.replaceChildren(...(connected
      ? [
        ...fact('Server', server ? `${server.name} ${server.version}` : 'unnamed'),
        ...fact('Protocol', connection.protocolVersion ?? 'unknown'),
        ...fact('Capabilities', capabilityList(connection.capabilities ?? {})),
        ...fact('Tools', String(connection.tools.length)),
      ]
      : fact('Server', connection.state === 'connecting'
        ? 'starting the MCP server process and initializing…'
        : 'not connected: Connect starts the MCP server process, as Claude Desktop launches a configured server')));
    instructions.hidden = !connected || !connection.instructions;
    instructionsText.textContent = connection.instructions ?? '';
    error.textContent = connection.error ? `Last error: ${connection.error}` : '';
  };
  const off = connection.onChange(render);
  render();
  return { element, dispose: off };
}
