// "Reset all data": a confirmation dialog, then the server's reset (confirm: true).
import { openConfirmDialog } from './confirm-dialog.ts';

export function openResetDialog(onConfirm: () => Promise<void>): void {
  openConfirmDialog({
    title: 'Reset all data?',
    message: 'This deletes every workflow, its history, and the virtual clock from this browser. It cannot be undone.',
    confirmLabel: 'Delete everything',
    failureLabel: 'Reset failed',
    onConfirm,
  });
}
