// The MCP page (#/mcp): the page as an MCP host, as Claude Desktop is in the
// chapter's demo. The connection bar on top; the scripted assistant and the
// client panel side by side (stacked when narrow); the JSON-RPC transcript
// below. The assistant's conversation and the panel's drafts belong to the
// connection, not the view, so they survive leaving the page and coming back.
import './mcp.css';
import { ScriptedAssistant, type AssistantConnection } from '../../mcp/assistant.ts';
import type { McpConnection } from '../../mcp/connection.ts';
import type { Disposable, UiDeps } from '../deps.ts';
import { h } from '../dom.ts';
import { mountAssistantView } from './assistant-view.ts';
import { connectRemembering, mountConnectionBar } from './connection-bar.ts';
import { InspectorSession, mountInspector } from './inspector.ts';
import { mountTranscriptView } from './transcript-view.ts';

interface PageSession {
  assistant: ScriptedAssistant;
  inspector: InspectorSession;
}

const sessions = new WeakMap<McpConnection, PageSession>();

function sessionFor(connection: McpConnection): PageSession {
  let session = sessions.get(connection);
  if (!session) {
    // The assistant connects on demand; that is the user's intent to have the server running, as Connect is.
    const forAssistant: AssistantConnection = {
      get state() { return connection.state; },
      get tools() { return connection.tools; },
      connect: () => connectRemembering(connection),
      callTool: (name, args) => connection.callTool(name, args),
    };
    session = { assistant: new ScriptedAssistant(forAssistant), inspector: new InspectorSession() };
    sessions.set(connection, session);
  }
  return session;
}

/** The page's scripted assistant on this connection (the same conversation the MCP page shows), for instructor mode's demo steps. */
export function assistantFor(connection: McpConnection): ScriptedAssistant {
  return sessionFor(connection).assistant;
}

export function mountMcpView(root: HTMLElement, options: { connection: McpConnection; deps: UiDeps }): Disposable {
  const { connection, deps } = options;
  const session = sessionFor(connection);
  const bar = mountConnectionBar(connection);
  const assistant = mountAssistantView(session.assistant, deps);
  const inspector = mountInspector(connection, session.inspector);
  const transcript = mountTranscriptView(connection);
  root.append(
    bar.element,
    h('div', { class: 'mcp-columns' }, assistant.element, inspector.element),
    transcript.element,
  );
  const parts = [bar, assistant, inspector, transcript];
  return {
    dispose() {
      for (const part of parts) part.dispose();
      root.replaceChildren();
    },
  };
}
