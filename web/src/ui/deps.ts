// Shared contract between the app shell (web/src/ui/*) and the workflows views (web/src/ui/workflows/*).

/** Calls a WorkflowService RPC on the server worker (e.g. 'StartWorkflowExecution'). */
export interface WorkflowService {
  call<T = any>(method: string, request?: unknown, options?: { signal?: AbortSignal }): Promise<T>;
}

export interface UiDeps {
  service: WorkflowService;
  /** Navigates to a hash route such as '#/workflows/<id>/<runId>'. */
  navigate(hash: string): void;
  /** Current virtual time in milliseconds since the epoch (ticks locally between server refreshes). */
  now(): number /* virtual ms */;
}

export interface Disposable {
  dispose(): void;
}
