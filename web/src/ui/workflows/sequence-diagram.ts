// Pure: a run's history events -> mermaid sequenceDiagram text with the
// participants Client, Server, Worker and Activities. Every message comes from
// an event in the history; labels are reduced to characters mermaid treats as
// plain text, since names and messages are user data.
import { eventAttributes, failureMessage, formatDurationMs, parseDurationMs, shortEventType, type HistoryEvent } from './history.ts';

/** Keeps a label to plain text mermaid cannot read as syntax (no ; # : < > newlines, etc.). */
export function mermaidLabel(text: unknown, max = 80): string {
  const clean = String(text ?? '')
    .replace(/[^A-Za-z0-9 _.,()/'=+\-@\[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? clean.slice(0, max - 1) + '.' : clean;
}

export function historyToMermaid(events: HistoryEvent[]): string {
  const lines = ['sequenceDiagram', '  participant Client', '  participant Server', '  participant Worker', '  participant Activities'];
  const add = (line: string) => lines.push('  ' + line);
  const activityNames = new Map<string, string>();
  for (const event of events) {
    const a = eventAttributes(event);
    const type = shortEventType(event.eventType);
    const n = (v: any) => mermaidLabel(v?.name);
    switch (type) {
      case 'WorkflowExecutionStarted':
        add(`Client->>Server: start ${n(a.workflowType)}`);
        break;
      case 'WorkflowTaskStarted':
        add(`Server->>Worker: workflow task${a.attempt > 1 ? ` attempt ${Number(a.attempt)}` : ''}`);
        break;
      case 'WorkflowTaskCompleted':
        add('Worker->>Server: workflow task completed');
        break;
      case 'WorkflowTaskFailed':
        add(`Worker-xServer: workflow task failed ${mermaidLabel(a.cause)}`.trimEnd());
        break;
      case 'WorkflowTaskTimedOut':
        add('Note over Server,Worker: workflow task timed out');
        break;
      case 'TimerStarted': {
        const ms = parseDurationMs(a.startToFireTimeout);
        add(`Worker->>Server: start timer ${mermaidLabel(a.timerId)}${ms === undefined ? '' : ` (${formatDurationMs(ms)})`}`);
        break;
      }
      case 'TimerFired':
        add(`Note over Server: timer ${mermaidLabel(a.timerId)} fired`);
        break;
      case 'TimerCanceled':
        add(`Worker->>Server: cancel timer ${mermaidLabel(a.timerId)}`);
        break;
      case 'ActivityTaskScheduled':
        activityNames.set(event.eventId, n(a.activityType));
        add(`Worker->>Server: schedule activity ${n(a.activityType)}`);
        break;
      case 'ActivityTaskStarted': {
        const activity = activityNames.get(String(a.scheduledEventId)) ?? 'activity';
        const attempt = typeof a.attempt === 'number' ? a.attempt : 1;
        if (attempt > 1) {
          const last = mermaidLabel(failureMessage(a.lastFailure));
          add(`Note over Server,Activities: ${activity} attempts 1 to ${attempt - 1} failed${last ? ` - last ${last}` : ''}`);
        }
        add(`Server->>Activities: ${activity} attempt ${attempt}`);
        break;
      }
      case 'ActivityTaskCompleted':
        add(`Activities-->>Server: ${activityNames.get(String(a.scheduledEventId)) ?? 'activity'} completed`);
        break;
      case 'ActivityTaskFailed':
        add(`Activities--xServer: ${activityNames.get(String(a.scheduledEventId)) ?? 'activity'} failed ${mermaidLabel(failureMessage(a.failure))}`.trimEnd());
        break;
      case 'ActivityTaskTimedOut':
        add(`Note over Server,Activities: ${activityNames.get(String(a.scheduledEventId)) ?? 'activity'} timed out`);
        break;
      case 'ActivityTaskCancelRequested':
        add(`Worker->>Server: cancel activity ${activityNames.get(String(a.scheduledEventId)) ?? ''}`.trimEnd());
        break;
      case 'ActivityTaskCanceled':
        add(`Activities-->>Server: ${activityNames.get(String(a.scheduledEventId)) ?? 'activity'} canceled`);
        break;
      case 'WorkflowExecutionSignaled':
        add(`Client->>Server: signal ${mermaidLabel(a.signalName)}`);
        break;
      case 'WorkflowExecutionCancelRequested':
        add('Client->>Server: request cancel');
        break;
      case 'StartChildWorkflowExecutionInitiated':
        add(`Worker->>Server: start child ${n(a.workflowType)}`);
        break;
      case 'ChildWorkflowExecutionStarted':
      case 'ChildWorkflowExecutionCompleted':
      case 'ChildWorkflowExecutionFailed':
      case 'ChildWorkflowExecutionCanceled':
      case 'ChildWorkflowExecutionTimedOut':
      case 'ChildWorkflowExecutionTerminated':
        add(`Note over Server: child ${mermaidLabel(a.workflowExecution?.workflowId)} ${type.slice('ChildWorkflowExecution'.length).toLowerCase().replace('timedout', 'timed out')}`);
        break;
      case 'WorkflowExecutionCompleted':
        add('Worker->>Server: complete workflow');
        add('Server-->>Client: completed');
        break;
      case 'WorkflowExecutionFailed':
        add(`Worker->>Server: fail workflow ${mermaidLabel(failureMessage(a.failure))}`.trimEnd());
        add('Server-->>Client: failed');
        break;
      case 'WorkflowExecutionCanceled':
        add('Worker->>Server: workflow canceled');
        add('Server-->>Client: canceled');
        break;
      case 'WorkflowExecutionContinuedAsNew':
        add('Worker->>Server: continue as new');
        break;
      case 'WorkflowExecutionTimedOut':
        add('Note over Server: workflow timed out');
        add('Server-->>Client: timed out');
        break;
      case 'WorkflowExecutionTerminated':
        add(`Client->>Server: terminate ${mermaidLabel(a.reason)}`.trimEnd());
        break;
      default:
        break;
    }
  }
  return lines.join('\n') + '\n';
}
