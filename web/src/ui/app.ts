// The app shell: header (product name, what this is, virtual clock and time
// controls, navigation, Reset all data), the durability banner, and the routed
// view. It starts the server worker and the Python worker on the default
// workspace (the chapter's invoice code), and the MCP server if the user left
// it connected. The MCP page and its client (the MCP SDK) load when the page
// is first opened; the connection then follows that process wherever it runs.
import type { McpConnection } from '../mcp/connection.ts';
import { defaultWorkspaceFiles, DEFAULT_ENTRY, DEFAULT_MCP_ENTRY } from '../workspace/index.ts';
import { VirtualClock } from './clock.ts';
import type { Disposable, UiDeps } from './deps.ts';
import { mountDurabilityBanner } from './durability-banner.ts';
import { errorMessage, h } from './dom.ts';
import { wantsRunning } from './process-state.ts';
import { mountProcessesPanel } from './processes-panel.ts';
import { PythonSupervisor } from './python-supervisor.ts';
import { openResetDialog } from './reset-dialog.ts';
import { DEFAULT_HASH, parseRoute, type Route } from './router.ts';
import { ServerSupervisor } from './server-supervisor.ts';
import { mountStartWorkflowForm } from './start-workflow-form.ts';
import { mountTimeControls } from './time-controls.ts';
import { mountWorkflowDetail, mountWorkflowList } from './workflows/index.ts';

export interface App {
  server: ServerSupervisor;
  python: PythonSupervisor;
  mcpServer: PythonSupervisor;
  deps: UiDeps;
}

export function startApp(root: HTMLElement): App {
  const baseUrl = document.baseURI;
  const server = new ServerSupervisor(new URL('engine/engine.mjs', baseUrl).href);
  const python = new PythonSupervisor({ files: defaultWorkspaceFiles, service: server.service, baseUrl, entry: DEFAULT_ENTRY });
  const mcpServer = new PythonSupervisor({
    files: defaultWorkspaceFiles, service: server.service, baseUrl, entry: DEFAULT_MCP_ENTRY, mcpServer: true,
  });
  let mcp: McpConnection | undefined;
  const loadMcpPage = async () => {
    const [{ McpConnection }, page] = await Promise.all([import('../mcp/connection.ts'), import('./mcp/index.ts')]);
    mcp ??= new McpConnection(mcpServer);
    return { connection: mcp, mountMcpView: page.mountMcpView };
  };
  const clock = new VirtualClock(server.service);
  const deps: UiDeps = {
    service: server.service,
    navigate: (hash) => { location.hash = hash; },
    now: () => clock.now(),
  };

  // Header.
  const status = h('p', { id: 'status', class: 'engine-status', role: 'status', 'aria-live': 'polite' }, 'loading engine…');
  const navLink = (hash: string, label: string) => h('a', { href: hash, 'data-route': hash.slice(2) }, label);
  const nav = h('nav', { class: 'app-nav', 'aria-label': 'Main' }, navLink('#/workflows', 'Workflows'), navLink('#/mcp', 'MCP'), navLink('#/processes', 'Processes'));
  const reset = h('button', { type: 'button', class: 'danger small' }, 'Reset all data');
  const timeRoot = h('div');
  const bannerRoot = h('div', { class: 'banner', hidden: true });
  const view = h('main', { class: 'view', id: 'view' });
  root.replaceChildren(
    h('header', { class: 'app-header' },
      h('div', { class: 'brand' },
        h('h1', {}, 'Durable Lab'),
        h('p', { class: 'tagline' },
          'A browser re-implementation of Temporal\u2019s public API, for teaching durable execution. ' +
          'It is not Temporal\u2019s software and is not affiliated with Temporal Technologies.'),
      ),
      h('div', { class: 'header-side' }, nav, reset),
    ),
    timeRoot,
    bannerRoot,
    view,
    h('footer', { class: 'app-footer' }, status),
  );

  const timeControls = mountTimeControls(timeRoot, server.service, clock);
  mountDurabilityBanner(bannerRoot, server);

  // Engine status line and clock sync whenever a server comes up.
  let lastState = server.state;
  server.onChange(() => {
    if (server.state === 'running') status.textContent = `engine ${server.version} ready`;
    else if (server.state === 'crashed') status.textContent = `engine failed to start: ${server.detail}`;
    else if (server.state === 'loading') status.textContent = 'loading engine…';
    else status.textContent = 'server worker stopped';
    status.className = `engine-status ${server.state === 'running' ? 'ready' : server.state === 'crashed' ? 'failed' : ''}`;
    if (server.state === 'running' && lastState !== 'running') void timeControls.sync().catch(() => {});
    lastState = server.state;
  });

  // Routing.
  let current: Disposable | null = null;
  const mountRoute = (route: Route) => {
    current?.dispose();
    view.replaceChildren();
    for (const link of nav.querySelectorAll('a')) {
      const active = link.dataset.route === (route.name === 'workflow' ? 'workflows' : route.name);
      if (active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    if (route.name === 'processes') {
      current = mountProcessesPanel(view, server, { worker: python, mcp: mcpServer });
    } else if (route.name === 'mcp') {
      let page: Disposable | null = null;
      let left = false;
      loadMcpPage().then(
        ({ connection, mountMcpView }) => { if (!left) page = mountMcpView(view, { connection, deps }); },
        (error) => { if (!left) view.replaceChildren(h('p', { class: 'error', role: 'alert' }, `The MCP page failed to load: ${errorMessage(error)}`)); },
      );
      current = { dispose: () => { left = true; page?.dispose(); } };
    } else if (route.name === 'workflow') {
      const detail = h('section', { class: 'panel workflow-detail' });
      view.append(detail);
      current = mountWorkflowDetail(detail, deps, { workflowId: route.workflowId, runId: route.runId });
    } else {
      const form = h('section', { class: 'panel' });
      const list = h('section', { class: 'panel workflow-list' });
      view.append(form, list);
      const disposables = [mountStartWorkflowForm(form, deps), mountWorkflowList(list, deps)];
      current = { dispose: () => { for (const d of disposables) d.dispose(); } };
    }
  };
  const onHash = () => {
    const route = parseRoute(location.hash);
    if (!route) {
      history.replaceState(null, '', DEFAULT_HASH);
      mountRoute({ name: 'workflows' });
    } else {
      mountRoute(route);
    }
  };
  window.addEventListener('hashchange', onHash);
  onHash();

  reset.addEventListener('click', () => openResetDialog(async () => {
    const client = server.client;
    if (!client) throw new Error('The server worker is not running: start it on the Processes page first.');
    await client.reset();
    await timeControls.sync().catch(() => {});
    onHash(); // remount the view so it shows the empty lab
  }));

  // Processes: as the user last left them (both run unless stopped).
  if (wantsRunning('server')) void server.start().catch(() => {});
  if (wantsRunning('python')) python.start();
  if (wantsRunning('mcp')) mcpServer.start();

  return { server, python, mcpServer, deps };
}
