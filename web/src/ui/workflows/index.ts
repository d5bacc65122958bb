// The workflows views, mounted by the app shell on #/workflows and
// #/workflows/<workflowId>/<runId>.
import './workflows.css';

export { mountWorkflowList, workflowHash } from './list.ts';
export { mountWorkflowDetail } from './detail.ts';
