// A worker written out by hand: it polls the engine through a ServerHost and
// answers with exactly the Temporal commands a real SDK worker would send.
// Tests script the workflow's decisions; this class does the protocol.
import assert from 'node:assert/strict';
import type { ServerHost } from '../../web/src/server/host.ts';
import { decodePayload, payloads } from './helpers.ts';

export type HistoryEvent = Record<string, any> & { eventId: string; eventType: string };

export interface WorkflowTask {
  taskToken: string;
  workflowExecution: { workflowId: string; runId: string };
  workflowType?: { name: string };
  history?: { events: HistoryEvent[] };
  query?: { queryType: string; queryArgs?: unknown };
  queries?: Record<string, { queryType: string; queryArgs?: unknown }>;
  attempt?: number;
  [k: string]: unknown;
}

export interface ActivityTask {
  taskToken: string;
  activityId: string;
  activityType: { name: string };
  input?: { payloads: never[] };
  attempt?: number;
  [k: string]: unknown;
}

export const NAMESPACE = 'default';

/** Temporal's short event type: "EVENT_TYPE_TIMER_STARTED" -> "TimerStarted". */
export function shortType(eventType: string): string {
  return eventType.replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

export const commands = {
  startTimer: (timerId: string, startToFireTimeout: string) => ({
    commandType: 'COMMAND_TYPE_START_TIMER',
    startTimerCommandAttributes: { timerId, startToFireTimeout },
  }),
  cancelTimer: (timerId: string) => ({
    commandType: 'COMMAND_TYPE_CANCEL_TIMER',
    cancelTimerCommandAttributes: { timerId },
  }),
  scheduleActivity: (activityId: string, activityType: string, taskQueue: string, input: unknown, extra: Record<string, unknown> = {}) => ({
    commandType: 'COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK',
    scheduleActivityTaskCommandAttributes: {
      activityId,
      activityType: { name: activityType },
      taskQueue: { name: taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
      input: payloads(input),
      ...extra,
    },
  }),
  completeWorkflow: (result: unknown) => ({
    commandType: 'COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION',
    completeWorkflowExecutionCommandAttributes: { result: payloads(result) },
  }),
};

export class ScriptedWorker {
  readonly identity: string;
  /** Every event this worker has been shown, per run (full history or new events only). */
  readonly seen = new Map<string, HistoryEvent[]>();

  constructor(
    readonly host: ServerHost,
    readonly taskQueue: string,
    identity = 'scripted-worker',
  ) {
    this.identity = identity;
  }

  /**
   * Long-polls for the next workflow task. Legacy query tasks that arrive
   * first are answered with `answerQuery` and the poll goes on.
   */
  async nextWorkflowTask(answerQuery?: (queryType: string) => unknown, signal?: AbortSignal): Promise<WorkflowTask> {
    for (;;) {
      const task = await this.host.call<WorkflowTask>('PollWorkflowTaskQueue', {
        namespace: NAMESPACE,
        taskQueue: { name: this.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
        identity: this.identity,
      }, { signal });
      if (!task || !task.taskToken) continue; // long poll expired empty: poll again
      if (task.query) {
        assert.ok(answerQuery, `unexpected query ${task.query.queryType}`);
        await this.answerLegacyQuery(task, answerQuery);
        continue;
      }
      const events = task.history?.events ?? [];
      const runId = task.workflowExecution.runId;
      const known = this.seen.get(runId) ?? [];
      for (const event of events) {
        if (!known.some((e) => e.eventId === event.eventId)) known.push(event);
      }
      this.seen.set(runId, known);
      return task;
    }
  }

  async answerLegacyQuery(task: WorkflowTask, answer: (queryType: string) => unknown): Promise<void> {
    await this.host.call('RespondQueryTaskCompleted', {
      namespace: NAMESPACE,
      taskToken: task.taskToken,
      completedType: 'QUERY_RESULT_TYPE_ANSWERED',
      queryResult: payloads(answer(task.query!.queryType)),
    });
  }

  /** Completes a workflow task; queries attached to it are answered too. */
  async complete(task: WorkflowTask, cmds: unknown[], options: { answerQuery?: (queryType: string) => unknown; sdkMetadata?: unknown } = {}): Promise<unknown> {
    const queryResults: Record<string, unknown> = {};
    for (const [id, query] of Object.entries(task.queries ?? {})) {
      assert.ok(options.answerQuery, `unexpected attached query ${query.queryType}`);
      queryResults[id] = { resultType: 'QUERY_RESULT_TYPE_ANSWERED', answer: payloads(options.answerQuery(query.queryType)) };
    }
    return this.host.call('RespondWorkflowTaskCompleted', {
      namespace: NAMESPACE,
      taskToken: task.taskToken,
      commands: cmds,
      identity: this.identity,
      ...(Object.keys(queryResults).length ? { queryResults } : {}),
      ...(options.sdkMetadata ? { sdkMetadata: options.sdkMetadata } : {}),
    });
  }

  async nextActivityTask(signal?: AbortSignal): Promise<ActivityTask> {
    for (;;) {
      const task = await this.host.call<ActivityTask>('PollActivityTaskQueue', {
        namespace: NAMESPACE,
        taskQueue: { name: this.taskQueue, kind: 'TASK_QUEUE_KIND_NORMAL' },
        identity: this.identity,
      }, { signal });
      if (task && task.taskToken) return task;
    }
  }

  async completeActivity(task: ActivityTask, result: unknown): Promise<void> {
    await this.host.call('RespondActivityTaskCompleted', {
      namespace: NAMESPACE,
      taskToken: task.taskToken,
      result: payloads(result),
      identity: this.identity,
    });
  }

  /** The activity's single input argument, decoded. */
  static activityInput(task: ActivityTask): unknown {
    return decodePayload(task.input!.payloads[0]!);
  }
}

/** The new events a task carries, as short types: ["TimerFired", "WorkflowTaskScheduled", ...]. */
export function taskEventTypes(task: WorkflowTask): string[] {
  return (task.history?.events ?? []).map((e) => shortType(e.eventType));
}

export async function fetchHistory(host: ServerHost, workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextPageToken: string | undefined;
  do {
    const page = await host.call<{ history: { events: HistoryEvent[] }; nextPageToken?: string }>('GetWorkflowExecutionHistory', {
      namespace: NAMESPACE,
      execution: { workflowId, ...(runId ? { runId } : {}) },
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken || undefined;
  } while (nextPageToken);
  return events;
}
