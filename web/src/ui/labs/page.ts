// A lab's page (#/labs/<number or id>): the README on one side; on the other
// the toolbar (Run, Check, Show solution, Reset to starter), the worker's
// state and which code it runs, the editor (or the solution diff), and below
// it the worker's console, the check's results and the workflows.
//
// Run saves, makes this lab the one the processes run, and restarts the
// worker, so what runs is the text in the editor at that moment; the strip
// says when the editor has moved on since. Check runs on its own private
// engine (check-runner.ts). A check keeps running when the attendee leaves
// the page, and its report is there when they come back.
import type { Lab } from '../../labs/catalog.ts';
import type { DraftsStore } from '../../labs/drafts-store.ts';
import { findLab } from '../../labs/lab-source.ts';
import { labNumber, type Workspace } from '../../labs/workspace.ts';
import { openConfirmDialog } from '../confirm-dialog.ts';
import type { Disposable } from '../deps.ts';
import { errorMessage, h } from '../dom.ts';
import { rememberRunning } from '../process-state.ts';
import { mountProcessConsole } from '../processes-panel.ts';
import { mountStartWorkflowForm } from '../start-workflow-form.ts';
import { mountWorkflowList } from '../workflows/index.ts';
import { mountCheckPanel } from './check-panel.ts';
import { CheckRun } from './check-runner.ts';
import type { LabsDeps } from './deps.ts';
import { mountDraftsNotice } from './drafts-notice.ts';
import { mountLabEditor } from './editor.ts';
import { mountReadme } from './readme.ts';
import { mountRunStrip } from './run-strip.ts';
import { mountSolutionDiff, type SolutionDiff } from './solution-diff.ts';
import { mountTabs } from './tabs.ts';

/** The latest check of each lab, per workspace: they outlive the page that started them. */
const checkRuns = new WeakMap<Workspace, Map<string, CheckRun>>();

function checkRunsOf(workspace: Workspace): Map<string, CheckRun> {
  let runs = checkRuns.get(workspace);
  if (!runs) checkRuns.set(workspace, (runs = new Map()));
  return runs;
}

export function mountLabPage(root: HTMLElement, deps: LabsDeps, ref: string): Disposable {
  const message = h('p', { class: 'form-message', role: 'status' }, 'Loading the lab\u2026');
  root.append(message);
  let page: Disposable | null = null;
  let disposed = false;
  (async () => {
    const summary = findLab(await deps.source.index(), ref);
    if (!summary) {
      if (disposed) return;
      message.replaceChildren(`There is no lab ${ref}. `, h('a', { href: '#/labs' }, 'See the list of labs.'));
      message.setAttribute('role', 'alert');
      return;
    }
    const [lab, drafts] = await Promise.all([deps.source.lab(summary.id), deps.drafts()]);
    await deps.workspace.open(lab);
    if (disposed) return;
    message.remove();
    page = buildLabPage(root, deps, lab, drafts);
  })().catch((error) => {
    if (disposed) return;
    message.textContent = `The lab could not be loaded: ${errorMessage(error)}`;
    message.classList.add('error');
    message.setAttribute('role', 'alert');
  });
  return {
    dispose() {
      disposed = true;
      page?.dispose();
      root.replaceChildren();
    },
  };
}

function buildLabPage(root: HTMLElement, deps: LabsDeps, lab: Lab, drafts: DraftsStore): Disposable {
  const { workspace, worker, mcpServer } = deps;
  const number = labNumber(lab.number);
  const cleanups: Array<() => void> = [];
  const checks = checkRunsOf(workspace);

  // ---- actions ----
  const actionMessage = h('p', { class: 'form-message error', role: 'alert' });
  const run = async () => {
    await workspace.save();
    workspace.activate(lab.id);
    rememberRunning('python', true);
    worker.restart();
    // An MCP server the attendee runs goes onto the edited code too.
    if (lab.mcpServer && (mcpServer.state === 'running' || mcpServer.state === 'loading')) mcpServer.restart();
    bottom.select('console');
  };
  const check = async () => {
    await workspace.save();
    actionMessage.textContent = '';
    checks.get(lab.id)?.stop();
    let started: CheckRun;
    try {
      started = new CheckRun(lab, workspace.files(lab.id), deps.baseUrl, drafts);
    } catch (error) {
      actionMessage.textContent = errorMessage(error);
      return;
    }
    checks.set(lab.id, started);
    showCheck(started);
    bottom.select('check');
  };
  const useSolution = (file: string) => openConfirmDialog({
    title: `Use the solution\u2019s ${file}?`,
    message: `Your ${file} is replaced by the solution\u2019s. Undo (Ctrl+Z) in the editor brings yours back.`,
    confirmLabel: 'Use the solution',
    failureLabel: 'Could not use the solution',
    onConfirm: () => {
      editor.replace(file, lab.solution[file] ?? '');
      diff?.refresh();
    },
  });
  const resetToStarter = () => openConfirmDialog({
    title: `Reset lab ${number} to its starter files?`,
    message: 'Your edits to this lab\u2019s files and its check progress are deleted. Other labs keep theirs.',
    confirmLabel: 'Reset to starter',
    failureLabel: 'Reset failed',
    onConfirm: async () => {
      checks.get(lab.id)?.stop();
      checks.delete(lab.id);
      showCheck(null);
      await workspace.reset(lab.id);
      for (const file of lab.files) editor.replace(file, lab.starter[file] ?? '');
      diff?.refresh();
    },
  });

  const runButton = h('button', { type: 'button', class: 'primary', title: 'Save and restart the worker on your code (Ctrl+Enter)', onclick: () => void run() }, 'Run');
  const checkButton = h('button', { type: 'button', onclick: () => void check() }, 'Check');
  const solutionButton = h('button', { type: 'button', 'aria-pressed': 'false', onclick: () => toggleSolution() }, 'Show solution');
  const resetButton = h('button', { type: 'button', class: 'danger', onclick: resetToStarter }, 'Reset to starter');
  const toolbar = h('div', { class: 'lab-toolbar', role: 'toolbar', 'aria-label': `Lab ${number}` },
    runButton, checkButton, solutionButton, resetButton, actionMessage);

  // ---- the code: the editor, or the solution diff ----
  const editor = mountLabEditor({
    files: lab.files,
    text: (file) => workspace.files(lab.id)[file] ?? '',
    onEdit: (file, text) => workspace.edit(lab.id, file, text),
    onRun: () => void run(),
    onSave: () => void workspace.save(),
  });
  const code = h('div', { class: 'lab-code' }, editor.element);
  let diff: SolutionDiff | null = null;
  const toggleSolution = () => {
    if (diff) {
      diff.dispose();
      diff.element.remove();
      diff = null;
    } else {
      diff = mountSolutionDiff({
        files: lab.files, selected: editor.activeFile,
        yours: (file) => workspace.files(lab.id)[file] ?? '',
        solution: (file) => lab.solution[file] ?? '',
        onUseSolution: useSolution,
      });
      code.append(diff.element);
    }
    editor.element.hidden = diff !== null;
    solutionButton.setAttribute('aria-pressed', String(diff !== null));
  };
  cleanups.push(() => { editor.dispose(); diff?.dispose(); });

  // ---- below the code: console, check, workflows ----
  const strip = mountRunStrip({ labId: lab.id, worker, workspace });
  const workerConsole = mountProcessConsole('python', 'Python worker console', worker);
  const checkPanel = mountCheckPanel();
  const showCheck = (shown: CheckRun | null) => {
    checkPanel.show(shown);
    checkButton.disabled = shown !== null && !shown.finished;
    void shown?.done.then(() => { if (checks.get(lab.id) === shown) checkButton.disabled = false; });
  };
  showCheck(checks.get(lab.id) ?? null);
  const workflows = h('div', { class: 'lab-workflows' });
  let workflowViews: Disposable[] | null = null;
  const bottomPanels: Record<string, HTMLElement> = { console: workerConsole.section, check: checkPanel.element, workflows };
  const bottomId = `lab-${lab.id}-below`;
  const bottom = mountTabs({
    label: 'Worker, check and workflows', controls: bottomId, selected: 'console',
    tabs: [{ id: 'console', title: 'Worker console' }, { id: 'check', title: 'Check' }, { id: 'workflows', title: 'Workflows' }],
    onSelect: (id) => {
      for (const [panelId, panel] of Object.entries(bottomPanels)) panel.hidden = panelId !== id;
      if (id === 'workflows' && !workflowViews) {
        // Mounted when first shown: the list polls the server while it is on the page.
        const form = h('section', { class: 'lab-start-form' });
        const list = h('section', { class: 'lab-workflow-list' });
        workflows.append(form, list);
        workflowViews = [mountStartWorkflowForm(form, deps.ui), mountWorkflowList(list, deps.ui)];
      }
    },
  });
  for (const [id, panel] of Object.entries(bottomPanels)) panel.hidden = id !== 'console';
  cleanups.push(strip.dispose, workerConsole.dispose, checkPanel.dispose, () => { for (const view of workflowViews ?? []) view.dispose(); });

  // ---- the README ----
  const readme = h('article', { class: 'panel lab-readme', 'aria-label': `Lab ${number} instructions` },
    h('p', { class: 'lab-crumb' }, h('a', { href: '#/labs' }, 'All labs'), ` \u00b7 Lab ${number} \u00b7 about ${lab.minutes} min`));
  const readmeView = mountReadme(readme, lab.readme, lab.id);
  const notice = mountDraftsNotice(drafts);
  cleanups.push(readmeView.dispose, notice.dispose);

  root.append(h('section', { class: 'lab-page', 'data-lab': lab.id },
    notice.element,
    h('div', { class: 'lab-columns' },
      readme,
      h('div', { class: 'lab-work' },
        h('section', { class: 'panel lab-editor-panel', 'aria-label': 'Your code' }, toolbar, strip.element, code),
        h('section', { class: 'panel lab-below' }, bottom.element,
          h('div', { id: bottomId, role: 'tabpanel', class: 'lab-below-panels' }, ...Object.values(bottomPanels)))))));
  workerConsole.output.scrollTop = workerConsole.output.scrollHeight;

  return {
    dispose() {
      for (const cleanup of cleanups) cleanup();
      // Leaving the page saves at once, so the list of labs shows the edits.
      void workspace.save();
    },
  };
}
