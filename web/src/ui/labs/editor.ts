// The lab's editor: CodeMirror 6 on Python, one tab per file in lab.json
// order. Each file keeps its own editor state (text, selection, undo history),
// and one view shows the selected file's. Every change is reported at once
// (the workspace autosaves), and changes made from outside (reset, use the
// solution) are ordinary transactions, so Ctrl-Z takes them back too.
import { basicSetup } from 'codemirror';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { h } from '../dom.ts';
import { pythonCode } from './code-theme.ts';
import { mountTabs } from './tabs.ts';

export interface LabEditorOptions {
  /** The files, in tab order. */
  files: string[];
  text(file: string): string;
  onEdit(file: string, text: string): void;
  /** Mod-Enter. */
  onRun(): void;
  /** Mod-S: save now (and keep the browser's "save page" away). */
  onSave(): void;
}

export interface LabEditor {
  element: HTMLElement;
  readonly activeFile: string;
  /** Replaces a file's whole text, as one undoable change, reported through onEdit like any other. */
  replace(file: string, text: string): void;
  dispose(): void;
}

let editors = 0;

export function mountLabEditor(options: LabEditorOptions): LabEditor {
  const panelId = `lab-editor-${++editors}`;
  const shortcuts = Prec.high(keymap.of([
    { key: 'Mod-Enter', run: () => { options.onRun(); return true; } },
    { key: 'Mod-s', run: () => { options.onSave(); return true; }, preventDefault: true },
  ]));
  const stateFor = (file: string) => EditorState.create({
    doc: options.text(file),
    extensions: [
      basicSetup,
      pythonCode(),
      shortcuts,
      EditorView.contentAttributes.of({ 'aria-label': `${file}: code editor` }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) options.onEdit(file, update.state.doc.toString());
      }),
    ],
  });
  const states = new Map(options.files.map((file) => [file, stateFor(file)]));
  let activeFile = options.files[0]!;
  const host = h('div', { class: 'lab-editor-host', id: panelId, role: 'tabpanel' });
  const view = new EditorView({ state: states.get(activeFile)!, parent: host });

  const tabs = mountTabs({
    label: 'Files', controls: panelId, selected: activeFile,
    tabs: options.files.map((file) => ({ id: file, title: file })),
    onSelect: (file) => {
      if (file === activeFile) return;
      states.set(activeFile, view.state);
      activeFile = file;
      view.setState(states.get(file)!);
      host.setAttribute('aria-label', file);
    },
  });
  host.setAttribute('aria-label', activeFile);

  return {
    element: h('div', { class: 'lab-editor' }, tabs.element, host),
    get activeFile() { return activeFile; },
    replace(file, text) {
      const state = file === activeFile ? view.state : states.get(file);
      if (!state || state.doc.toString() === text) return;
      const change = { changes: { from: 0, to: state.doc.length, insert: text } };
      if (file === activeFile) {
        view.dispatch(change);
      } else {
        states.set(file, state.update(change).state);
        options.onEdit(file, text); // no view listens to an inactive file's state
      }
    },
    dispose() {
      view.destroy();
    },
  };
}
