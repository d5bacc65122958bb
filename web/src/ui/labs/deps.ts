// What the lab views get from the app shell.
import type { DraftsStore } from '../../labs/drafts-store.ts';
import type { LabSource } from '../../labs/lab-source.ts';
import type { Workspace } from '../../labs/workspace.ts';
import type { UiDeps } from '../deps.ts';
import type { PythonSupervisor } from '../python-supervisor.ts';

export interface LabsDeps {
  ui: UiDeps;
  source: LabSource;
  /** The attendee's saved files and progress (opened once, on first use). */
  drafts: () => Promise<DraftsStore>;
  workspace: Workspace;
  /** The Python worker process; Run restarts it on the lab's files. */
  worker: PythonSupervisor;
  /** The MCP server process; Run restarts it too when the lab has an MCP server. */
  mcpServer: PythonSupervisor;
  /** The site's base URL (document.baseURI), for the check's Python process. */
  baseUrl: string;
}
