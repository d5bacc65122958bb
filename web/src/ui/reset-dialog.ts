// "Reset all data": a confirmation dialog, then the server's reset (confirm: true).
import { errorMessage, h } from './dom.ts';

export function openResetDialog(onConfirm: () => Promise<void>): void {
  const message = h('p', { class: 'form-message', role: 'alert' });
  const confirm = h('button', { type: 'button', class: 'danger' }, 'Delete everything');
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const dialog = h('dialog', { class: 'reset-dialog', 'aria-labelledby': 'reset-title' },
    h('h2', { id: 'reset-title' }, 'Reset all data?'),
    h('p', {}, 'This deletes every workflow, its history, and the virtual clock from this browser. It cannot be undone.'),
    message,
    h('div', { class: 'form-actions' }, cancel, confirm),
  );
  const close = () => { dialog.close(); dialog.remove(); };
  cancel.addEventListener('click', close);
  dialog.addEventListener('cancel', () => dialog.remove());
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    cancel.disabled = true;
    try {
      await onConfirm();
      close();
    } catch (error) {
      message.textContent = `Reset failed: ${errorMessage(error)}`;
      confirm.disabled = false;
      cancel.disabled = false;
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
}
