// A modal that asks before something that cannot be taken back: the title
// says what, the message what is lost. Cancel has the focus, so Enter does
// not destroy anything; the dialog stays open with the error if the action fails.
import { errorMessage, h } from './dom.ts';

export interface ConfirmDialogOptions {
  title: string;
  message: string;
  /** The confirming button's label, e.g. "Delete everything". */
  confirmLabel: string;
  /** What the error message starts with when the action fails, e.g. "Reset failed". */
  failureLabel: string;
  onConfirm: () => Promise<void> | void;
}

let dialogs = 0;

export function openConfirmDialog(options: ConfirmDialogOptions): void {
  const titleId = `confirm-dialog-title-${++dialogs}`;
  const message = h('p', { class: 'form-message', role: 'alert' });
  const confirm = h('button', { type: 'button', class: 'danger' }, options.confirmLabel);
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const dialog = h('dialog', { class: 'confirm-dialog', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, options.title),
    h('p', {}, options.message),
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
      await options.onConfirm();
      close();
    } catch (error) {
      message.textContent = `${options.failureLabel}: ${errorMessage(error)}`;
      confirm.disabled = false;
      cancel.disabled = false;
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
}
