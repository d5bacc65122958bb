// The app shell: header (product name, what this is, virtual clock and time
// controls, navigation, Reset all data), the durability banner, and the routed
// view. It starts the server worker and the Python worker on the workspace
// (the active lab's files, or the chapter's invoice code until a lab is run),
// and the MCP server if the user left it connected. The lab page (CodeMirror,
// markdown-it) and the MCP page (the MCP SDK) load when first opened; the MCP
// connection then follows that process wherever it runs.
import { DraftsStore } from '../labs/drafts-store.ts';
import { LabSource } from '../labs/lab-source.ts';
import { openWorkspaceDatabase } from '../labs/workspace-database.ts';
import { localActiveLabMemory, Workspace } from '../labs/workspace.ts';
import type { McpConnection } from '../mcp/connection.ts';
import { defaultWorkspaceFiles, DEFAULT_ENTRY, DEFAULT_MCP_ENTRY } from '../workspace/index.ts';
import { VirtualClock } from './clock.ts';
import type { Disposable, UiDeps } from './deps.ts';
import { mountDurabilityBanner } from './durability-banner.ts';
import { errorMessage, h } from './dom.ts';
import { mountInstructorMode } from './instructor/index.ts';
import { wantsRunning } from './process-state.ts';
import { mountProcessesPanel } from './processes-panel.ts';
import { PythonSupervisor } from './python-supervisor.ts';
import { openResetDialog } from './reset-dialog.ts';
import type { LabsDeps } from './labs/deps.ts';
import { mountLabList } from './labs/list.ts';
import { DEFAULT_HASH, parseRoute, type Route } from './router.ts';
import { ServerSupervisor } from './server-supervisor.ts';
import { mountStartWorkflowForm } from './start-workflow-form.ts';
import { mountTimeControls } from './time-controls.ts';
import { mountWorkflowDetail, mountWorkflowList } from './workflows/index.ts';

export interface App {
  server: ServerSupervisor;
  python: PythonSupervisor;
  mcpServer: PythonSupervisor;
  workspace: Workspace;
  deps: UiDeps;
}

export function startApp(root: HTMLElement): App {
  const baseUrl = document.baseURI;
  const server = new ServerSupervisor(new URL('engine/engine.mjs', baseUrl).href);
  const labSource = new LabSource(baseUrl);
  let draftsStore: Promise<DraftsStore> | undefined;
  const drafts = () => (draftsStore ??= DraftsStore.open(() => openWorkspaceDatabase()));
  const workspace = new Workspace({
    chapter: { files: defaultWorkspaceFiles, workerEntry: DEFAULT_ENTRY, mcpEntry: DEFAULT_MCP_ENTRY },
    drafts,
    loadLab: (id) => labSource.lab(id),
    activeLabMemory: localActiveLabMemory,
  });
  // Typing then closing or reloading the tab within the autosave pause must not lose the edit.
  addEventListener('pagehide', () => void workspace.save());
  const python = new PythonSupervisor({ program: () => workspace.workerProgram(), service: server.service, baseUrl });
  const mcpServer = new PythonSupervisor({ program: () => workspace.mcpProgram(), service: server.service, baseUrl, mcpServer: true });
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
  const labsDeps: LabsDeps = { ui: deps, source: labSource, drafts, workspace, worker: python, mcpServer, baseUrl };

  // Header.
  const status = h('p', { id: 'status', class: 'engine-status', role: 'status', 'aria-live': 'polite' }, 'loading engine…');
  const navLink = (hash: string, label: string) => h('a', { href: hash, 'data-route': hash.slice(2) }, label);
  const nav = h('nav', { class: 'app-nav', 'aria-label': 'Main' },
    navLink('#/labs', 'Labs'), navLink('#/workflows', 'Workflows'), navLink('#/mcp', 'MCP'), navLink('#/processes', 'Processes'));
  const reset = h('button', { type: 'button', class: 'danger small' }, 'Reset all data');
  const instructorSlot = h('div');
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
      h('div', { class: 'header-side' }, nav, instructorSlot, reset),
    ),
    timeRoot,
    bannerRoot,
    view,
    h('footer', { class: 'app-footer' }, status),
  );

  const timeControls = mountTimeControls(timeRoot, server.service, clock);
  mountDurabilityBanner(bannerRoot, server);
  mountInstructorMode(instructorSlot, {
    ui: deps, server, worker: python, mcpServer, labs: labSource,
    mcpConnection: async () => (await loadMcpPage()).connection,
  });

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
  /** Mounts a page whose module loads on first use; leaving before it loaded mounts nothing. */
  const mountLazily = <M>(load: () => Promise<M>, name: string, mount: (module: M) => Disposable): Disposable => {
    let page: Disposable | null = null;
    let left = false;
    load().then(
      (module) => { if (!left) page = mount(module); },
      (error) => { if (!left) view.replaceChildren(h('p', { class: 'error', role: 'alert' }, `The ${name} failed to load: ${errorMessage(error)}`)); },
    );
    return { dispose: () => { left = true; page?.dispose(); } };
  };
  const mountRoute = (route: Route) => {
    current?.dispose();
    view.replaceChildren();
    for (const link of nav.querySelectorAll('a')) {
      const section = route.name === 'workflow' ? 'workflows' : route.name === 'lab' ? 'labs' : route.name;
      const active = link.dataset.route === section;
      if (active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    if (route.name === 'labs') {
      current = mountLabList(view, labsDeps);
    } else if (route.name === 'lab') {
      current = mountLazily(() => import('./labs/index.ts'), 'lab page',
        ({ mountLabPage }) => mountLabPage(view, labsDeps, route.ref));
    } else if (route.name === 'processes') {
      current = mountProcessesPanel(view, server, { worker: python, mcp: mcpServer });
    } else if (route.name === 'mcp') {
      current = mountLazily(loadMcpPage, 'MCP page', ({ connection, mountMcpView }) => mountMcpView(view, { connection, deps }));
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
      mountRoute(parseRoute(DEFAULT_HASH)!);
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

  // Processes: as the user last left them (both run unless stopped), the
  // Python ones on the lab that was active before the reload, once it is loaded.
  if (wantsRunning('server')) void server.start().catch(() => {});
  void workspace.restore().then(() => {
    if (wantsRunning('python')) python.start();
    if (wantsRunning('mcp')) mcpServer.start();
  });

  return { server, python, mcpServer, workspace, deps };
}
