// The scripted assistant's chat (logic in web/src/mcp/assistant.ts): the
// conversation, each tool call with Allow / Deny and then its result, and the
// request box. The assistant outlives this view, so leaving the page and
// coming back shows the same conversation.
import type { ChatMessage, ScriptedAssistant } from '../../mcp/assistant.ts';
import type { Disposable, UiDeps } from '../deps.ts';
import { h } from '../dom.ts';
import { workflowHash } from '../router.ts';
import { prettyJson, renderCallOutcome } from './result-view.ts';

export function mountAssistantView(assistant: ScriptedAssistant, deps: UiDeps): { element: HTMLElement } & Disposable {
  const chat = h('ol', { class: 'mcp-chat', role: 'log', 'aria-label': 'Conversation with the scripted assistant', tabindex: 0 });
  const input = h('textarea', {
    id: 'mcp-prompt', class: 'mcp-prompt-input', rows: 4, 'aria-describedby': 'mcp-prompt-hint',
    placeholder: 'e.g. What is the status of this invoice?',
  });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const form = h('form', { class: 'mcp-prompt' },
    h('label', { for: 'mcp-prompt' }, 'Your request'),
    input,
    h('div', { class: 'form-actions' }, send, h('small', { id: 'mcp-prompt-hint', class: 'mcp-hint' }, 'Enter sends; Shift+Enter starts a new line.')),
  );
  const element = h('section', { class: 'panel mcp-assistant', 'aria-labelledby': 'mcp-assistant-title' },
    h('h2', { id: 'mcp-assistant-title' }, 'Assistant ', h('span', { class: 'mcp-badge' }, 'scripted, not a language model')),
    h('p', { class: 'mcp-hint' },
      'It stands in for Claude Desktop so the demo runs offline: a fixed script turns a few kinds of request into tool calls. ' +
      'Nothing you type leaves this page.'),
    chat, form,
  );

  const submit = () => {
    const prompt = input.value;
    if (assistant.busy || !prompt.trim()) return;
    input.value = '';
    void assistant.send(prompt);
  };
  form.addEventListener('submit', (event) => { event.preventDefault(); submit(); });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  const useExample = (example: string) => {
    input.value = example;
    input.focus();
  };

  // Messages are replaced, never mutated, when they change: a new object is a message to (re)draw.
  const rendered = new Map<number, { message: ChatMessage; element: HTMLElement }>();
  const render = () => {
    let changed = false;
    for (const message of assistant.messages) {
      const shown = rendered.get(message.id);
      if (shown?.message === message) continue;
      changed = true;
      const element = renderMessage(message, assistant, deps, useExample);
      const hadFocus = shown?.element.contains(document.activeElement);
      if (shown) shown.element.replaceWith(element);
      else chat.append(element);
      rendered.set(message.id, { message, element });
      // A new permission request takes the focus, as Claude Desktop's dialog does; once answered, the request box has it.
      if (message.from === 'tool-call' && message.decision === 'pending' && !shown) element.querySelector('button')?.focus();
      else if (hadFocus) input.focus();
    }
    if (changed) chat.scrollTop = chat.scrollHeight;
    send.disabled = assistant.busy;
    // A request prepared elsewhere (instructor mode) goes into the box. On the first render the view
    // is not in the document yet (the caller appends it right after), so it is filled and focused once it is.
    const prepared = assistant.takePreparedRequest();
    if (prepared !== null) queueMicrotask(() => useExample(prepared));
  };
  const off = assistant.onChange(render);
  render();
  // Show the latest messages once the view is in the document (the caller appends it right after this returns).
  queueMicrotask(() => { chat.scrollTop = chat.scrollHeight; });
  return { element, dispose: off };
}

function renderMessage(message: ChatMessage, assistant: ScriptedAssistant, deps: UiDeps, useExample: (example: string) => void): HTMLElement {
  switch (message.from) {
    case 'user':
      return h('li', { class: 'mcp-msg mcp-msg-user' }, h('span', { class: 'mcp-msg-who' }, 'You'), h('p', { class: 'mcp-msg-text' }, message.text));
    case 'assistant':
      return h('li', { class: `mcp-msg mcp-msg-assistant${message.tone === 'error' ? ' mcp-msg-error' : ''}` },
        h('span', { class: 'mcp-msg-who' }, 'Assistant'),
        h('p', { class: 'mcp-msg-text' }, message.text),
        message.examples.length > 0 && h('ul', { class: 'mcp-examples', 'aria-label': 'Example requests (click to use)' },
          ...message.examples.map((example) => h('li', {},
            h('button', { type: 'button', class: 'mcp-example', title: 'Put this request in the box', onclick: () => useExample(example) }, example)))),
        message.workflow && h('a', {
          class: 'mcp-workflow-link', href: workflowHash(message.workflow.workflowId, message.workflow.runId),
          onclick: (event: Event) => { event.preventDefault(); deps.navigate(workflowHash(message.workflow!.workflowId, message.workflow!.runId)); },
        }, `Open workflow ${message.workflow.workflowId}`),
      );
    case 'tool-call': {
      const decision = message.decision === 'pending'
        ? h('div', { class: 'mcp-decision', role: 'group', 'aria-label': `Allow the call to ${message.tool}?` },
          h('button', { type: 'button', class: 'primary small', onclick: () => assistant.decide(message.id, true) }, 'Allow'),
          h('button', { type: 'button', class: 'small', onclick: () => assistant.decide(message.id, false) }, 'Deny'))
        : h('p', { class: 'mcp-decided' }, message.decision === 'denied' ? 'Denied: not called.' : message.outcome ? 'Allowed.' : 'Allowed: calling…');
      return h('li', { class: 'mcp-msg mcp-msg-tool', 'data-tool': message.tool, 'data-decision': message.decision },
        h('span', { class: 'mcp-msg-who' }, 'Tool call'),
        h('p', { class: 'mcp-msg-text' }, 'The assistant wants to call ', h('code', {}, message.tool), ' on the MCP server with these arguments:'),
        h('pre', { class: 'mcp-code' }, prettyJson(message.args)),
        decision,
        message.outcome && renderCallOutcome(message.outcome),
      );
    }
  }
}
