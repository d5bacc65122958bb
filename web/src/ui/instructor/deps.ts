// What instructor mode gets from the app shell.
import type { LabSource } from '../../labs/lab-source.ts';
import type { McpConnection } from '../../mcp/connection.ts';
import type { UiDeps } from '../deps.ts';
import type { PythonSupervisor } from '../python-supervisor.ts';
import type { ServerSupervisor } from '../server-supervisor.ts';

export interface InstructorDeps {
  ui: UiDeps;
  server: ServerSupervisor;
  /** The Python worker process. */
  worker: PythonSupervisor;
  /** The MCP server process. */
  mcpServer: PythonSupervisor;
  /** The page's one MCP connection (the MCP page's), loaded on first use. */
  mcpConnection: () => Promise<McpConnection>;
  /** Where the open lab's instructor notes come from. */
  labs: LabSource;
}
