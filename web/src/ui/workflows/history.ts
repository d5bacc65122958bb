// Pure helpers over Temporal history events (proto3 JSON): event type names,
// attributes, one-line summaries and the compact grouping. No DOM here.

export interface HistoryEvent {
  eventId: string;
  eventTime?: string;
  eventType: string;
  [key: string]: unknown;
}

export type Attrs = Record<string, any>;

/** "EVENT_TYPE_TIMER_FIRED" or "TimerFired" -> "TimerFired". */
export function shortEventType(eventType: string): string {
  if (!eventType.startsWith('EVENT_TYPE_')) return eventType;
  return eventType
    .slice('EVENT_TYPE_'.length)
    .toLowerCase()
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : ''))
    .join('');
}

/** "TimerFired" or "EVENT_TYPE_TIMER_FIRED" -> "EVENT_TYPE_TIMER_FIRED". */
export function canonicalEventType(eventType: string): string {
  if (eventType.startsWith('EVENT_TYPE_')) return eventType;
  return 'EVENT_TYPE_' + eventType.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The event's one `*EventAttributes` object (empty when absent). */
export function eventAttributes(event: HistoryEvent): Attrs {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventAttributes') && value && typeof value === 'object') return value as Attrs;
  }
  return {};
}

/** Parses a proto3 JSON duration ("2s", "1.5s", "432000s") into milliseconds. */
export function parseDurationMs(duration: unknown): number | undefined {
  if (typeof duration !== 'string') return undefined;
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(duration.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/** 2000 -> "2s", 90000 -> "1m 30s", 432000000 -> "5d". */
export function formatDurationMs(ms: number): string {
  const negative = ms < 0;
  let rest = Math.abs(ms);
  if (rest < 1000) return `${negative ? '-' : ''}${Math.round(rest)}ms`;
  rest = Math.round(rest / 1000);
  const parts: string[] = [];
  const units: Array<[string, number]> = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return (negative ? '-' : '') + parts.slice(0, 2).join(' ');
}

export function failureMessage(failure: unknown): string {
  if (!failure || typeof failure !== 'object') return '';
  const f = failure as Attrs;
  const message = typeof f.message === 'string' ? f.message : '';
  const type = f.applicationFailureInfo?.type;
  return type && message ? `${type}: ${message}` : message || (typeof type === 'string' ? type : '');
}

const name = (v: unknown): string => (v && typeof v === 'object' && typeof (v as Attrs).name === 'string' ? (v as Attrs).name : '');

/** A one-line human summary of an event, e.g. "timer 1 fires in 2s". */
export function summarizeEvent(event: HistoryEvent): string {
  const a = eventAttributes(event);
  const type = shortEventType(event.eventType);
  switch (type) {
    case 'WorkflowExecutionStarted':
      return `${name(a.workflowType)} started on ${name(a.taskQueue)}`;
    case 'WorkflowTaskScheduled':
      return `workflow task scheduled on ${name(a.taskQueue)}${a.attempt > 1 ? ` (attempt ${a.attempt})` : ''}`;
    case 'WorkflowTaskStarted':
      return `workflow task picked up${a.identity ? ` by ${a.identity}` : ''}`;
    case 'WorkflowTaskCompleted':
      return 'workflow task completed';
    case 'WorkflowTaskFailed':
      return `workflow task failed: ${a.cause ?? ''} ${failureMessage(a.failure)}`.trim();
    case 'WorkflowTaskTimedOut':
      return `workflow task timed out (${a.timeoutType ?? ''})`;
    case 'TimerStarted': {
      const ms = parseDurationMs(a.startToFireTimeout);
      return `timer ${a.timerId} fires in ${ms === undefined ? String(a.startToFireTimeout) : formatDurationMs(ms)}`;
    }
    case 'TimerFired':
      return `timer ${a.timerId} fired`;
    case 'TimerCanceled':
      return `timer ${a.timerId} canceled`;
    case 'ActivityTaskScheduled':
      return `activity ${name(a.activityType)} (id ${a.activityId}) scheduled`;
    case 'ActivityTaskStarted':
      return `activity started, attempt ${a.attempt ?? 1}${a.lastFailure ? `; last failure: ${failureMessage(a.lastFailure)}` : ''}`;
    case 'ActivityTaskCompleted':
      return `activity completed (scheduled in event ${a.scheduledEventId})`;
    case 'ActivityTaskFailed':
      return `activity failed: ${failureMessage(a.failure)}`;
    case 'ActivityTaskTimedOut':
      return `activity timed out: ${failureMessage(a.failure)}`;
    case 'ActivityTaskCancelRequested':
      return `activity cancel requested (scheduled in event ${a.scheduledEventId})`;
    case 'ActivityTaskCanceled':
      return 'activity canceled';
    case 'WorkflowExecutionSignaled':
      return `signal ${a.signalName}`;
    case 'WorkflowExecutionCompleted':
      return 'workflow completed';
    case 'WorkflowExecutionFailed':
      return `workflow failed: ${failureMessage(a.failure)}`;
    case 'WorkflowExecutionTimedOut':
      return 'workflow timed out';
    case 'WorkflowExecutionTerminated':
      return `terminated${a.reason ? `: ${a.reason}` : ''}`;
    case 'WorkflowExecutionCancelRequested':
      return `cancel requested${a.cause ? `: ${a.cause}` : ''}`;
    case 'WorkflowExecutionCanceled':
      return 'workflow canceled';
    case 'WorkflowExecutionContinuedAsNew':
      return `continued as new run ${a.newExecutionRunId ?? ''}`.trim();
    case 'StartChildWorkflowExecutionInitiated':
      return `start child ${name(a.workflowType)} (${a.workflowId})`;
    case 'ChildWorkflowExecutionStarted':
      return `child ${a.workflowExecution?.workflowId ?? ''} started`;
    case 'ChildWorkflowExecutionCompleted':
      return `child ${a.workflowExecution?.workflowId ?? ''} completed`;
    case 'ChildWorkflowExecutionFailed':
      return `child ${a.workflowExecution?.workflowId ?? ''} failed: ${failureMessage(a.failure)}`;
    case 'MarkerRecorded':
      return `marker ${a.markerName ?? ''}`;
    default:
      return type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  }
}

export type GroupKind = 'workflow' | 'activity' | 'timer' | 'signal' | 'child' | 'other';

export interface EventGroup {
  kind: GroupKind;
  /** e.g. "activity charge_invoice", "timer 1", "signal ApproveInvoice". */
  title: string;
  /** e.g. "completed", "fired", "failed", "pending". */
  state: string;
  /** Activity attempts (from ActivityTaskStarted) or 1. */
  attempts?: number;
  events: HistoryEvent[];
}

const ACTIVITY_STATES: Record<string, string> = {
  ActivityTaskScheduled: 'scheduled',
  ActivityTaskStarted: 'started',
  ActivityTaskCompleted: 'completed',
  ActivityTaskFailed: 'failed',
  ActivityTaskTimedOut: 'timed out',
  ActivityTaskCancelRequested: 'cancel requested',
  ActivityTaskCanceled: 'canceled',
};
const CHILD_STATES: Record<string, string> = {
  StartChildWorkflowExecutionInitiated: 'initiated',
  StartChildWorkflowExecutionFailed: 'start failed',
  ChildWorkflowExecutionStarted: 'started',
  ChildWorkflowExecutionCompleted: 'completed',
  ChildWorkflowExecutionFailed: 'failed',
  ChildWorkflowExecutionCanceled: 'canceled',
  ChildWorkflowExecutionTimedOut: 'timed out',
  ChildWorkflowExecutionTerminated: 'terminated',
};

/**
 * Groups a history for the compact view: one group per activity (scheduled,
 * started, completed/failed, with its attempt count), per timer, per signal,
 * per child workflow; the workflow's own start/close events form one group.
 * Workflow tasks are left out (they are the feed's detail). Order: by the
 * group's first event.
 */
export function groupHistory(events: HistoryEvent[]): EventGroup[] {
  const groups: EventGroup[] = [];
  const byScheduled = new Map<string, EventGroup>();
  const byTimer = new Map<string, EventGroup>();
  const byChild = new Map<string, EventGroup>();
  let workflow: EventGroup | undefined;
  for (const event of events) {
    const type = shortEventType(event.eventType);
    const a = eventAttributes(event);
    if (type.startsWith('WorkflowTask')) continue;
    if (type in ACTIVITY_STATES) {
      const key = type === 'ActivityTaskScheduled' ? event.eventId : String(a.scheduledEventId ?? '');
      let g = byScheduled.get(key);
      if (!g) {
        g = { kind: 'activity', title: `activity ${name(a.activityType) || key}`, state: '', attempts: 1, events: [] };
        byScheduled.set(key, g);
        groups.push(g);
      }
      g.events.push(event);
      g.state = ACTIVITY_STATES[type]!;
      if (type === 'ActivityTaskScheduled') g.title = `activity ${name(a.activityType)} (id ${a.activityId})`;
      if (type === 'ActivityTaskStarted' && typeof a.attempt === 'number') g.attempts = a.attempt;
    } else if (type === 'TimerStarted' || type === 'TimerFired' || type === 'TimerCanceled') {
      const key = String(a.timerId ?? '');
      let g = byTimer.get(key);
      if (!g || type === 'TimerStarted') {
        const ms = parseDurationMs(a.startToFireTimeout);
        g = { kind: 'timer', title: `timer ${key}${ms === undefined ? '' : ` (${formatDurationMs(ms)})`}`, state: '', events: [] };
        byTimer.set(key, g);
        groups.push(g);
      }
      g.events.push(event);
      g.state = type === 'TimerStarted' ? 'started' : type === 'TimerFired' ? 'fired' : 'canceled';
    } else if (type === 'WorkflowExecutionSignaled') {
      groups.push({ kind: 'signal', title: `signal ${a.signalName ?? ''}`, state: 'received', events: [event] });
    } else if (type in CHILD_STATES) {
      const key = type === 'StartChildWorkflowExecutionInitiated' ? event.eventId : String(a.initiatedEventId ?? '');
      let g = byChild.get(key);
      if (!g) {
        const id = a.workflowId ?? a.workflowExecution?.workflowId ?? key;
        g = { kind: 'child', title: `child ${name(a.workflowType)} ${id}`.replace(/\s+/g, ' '), state: '', events: [] };
        byChild.set(key, g);
        groups.push(g);
      }
      g.events.push(event);
      g.state = CHILD_STATES[type]!;
    } else if (type.startsWith('WorkflowExecution')) {
      if (!workflow) {
        workflow = { kind: 'workflow', title: 'workflow', state: '', events: [] };
        groups.push(workflow);
      }
      workflow.events.push(event);
      workflow.state = type.slice('WorkflowExecution'.length).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
      if (type === 'WorkflowExecutionStarted') workflow.title = `workflow ${name(a.workflowType)}`;
    } else {
      groups.push({ kind: 'other', title: type, state: '', events: [event] });
    }
  }
  return groups;
}

/** Replaces every `{payloads:[...]}` and payload list inside attributes with decoded values, for display. */
export function decodeForDisplay(value: unknown, decode: (payloads: unknown) => unknown[]): unknown {
  if (Array.isArray(value)) return value.map((v) => decodeForDisplay(v, decode));
  if (!value || typeof value !== 'object') return value;
  const obj = value as Attrs;
  if (Array.isArray(obj.payloads) && Object.keys(obj).length === 1) {
    const decoded = decodePayloadsSafe(obj.payloads, decode);
    return { payloads: decoded };
  }
  const out: Attrs = {};
  for (const [k, v] of Object.entries(obj)) out[k] = decodeForDisplay(v, decode);
  return out;
}

/** Decodes payloads; a payload that is not valid JSON shows as an explanatory string instead of throwing. */
export function decodePayloadsSafe(payloads: unknown, decode: (payloads: unknown) => unknown[]): unknown[] {
  const list = Array.isArray(payloads) ? payloads : ((payloads as Attrs | null | undefined)?.payloads ?? []);
  if (!Array.isArray(list)) return [];
  return list.map((p) => {
    try {
      return decode([p])[0];
    } catch (error) {
      return `<undecodable payload: ${(error as Error).message}>`;
    }
  });
}

/** Pretty JSON text of a value (strings as JSON strings); never throws. */
export function prettyJson(value: unknown): string {
  try {
    const text = JSON.stringify(value, null, 2);
    return text === undefined ? String(value) : text;
  } catch {
    return String(value);
  }
}

/** The download name of a run's history: <workflowId>_<runId>.json, with characters file systems refuse replaced. */
export function historyFileName(workflowId: string, runId: string): string {
  return `${workflowId}_${runId}.json`.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
}
