// The durability banner, from the server worker's status messages: memory only
// (with the reason), owned by another tab (with Take over), or failed.
import type { ServerStatus } from '../server/server-runtime.ts';
import type { Disposable } from './deps.ts';
import { errorMessage, h } from './dom.ts';
import type { ServerSupervisor } from './server-supervisor.ts';

export function mountDurabilityBanner(root: HTMLElement, server: ServerSupervisor): Disposable {
  const text = h('span', { class: 'banner-text' });
  const takeOver = h('button', { type: 'button', class: 'small' }, 'Take over');
  takeOver.addEventListener('click', async () => {
    takeOver.disabled = true;
    try {
      await server.client?.takeOver();
    } catch (error) {
      text.textContent = `Could not take over: ${errorMessage(error)}`;
    } finally {
      takeOver.disabled = false;
    }
  });
  root.classList.add('banner');
  root.setAttribute('role', 'status');
  root.append(text, takeOver);

  const render = (status: ServerStatus | null) => {
    root.hidden = true;
    takeOver.hidden = true;
    if (!status) return;
    if (status.state === 'not-owner') {
      root.hidden = false;
      root.dataset.kind = 'not-owner';
      takeOver.hidden = false;
      text.textContent = 'The lab is owned by another tab: this tab cannot run workflows until you take over.' +
        (status.reason ? ` (${status.reason})` : '');
    } else if (status.state === 'failed') {
      root.hidden = false;
      root.dataset.kind = 'failed';
      text.textContent = `The server failed: ${status.reason ?? 'unknown error'}`;
    } else if (status.durability === 'memory') {
      root.hidden = false;
      root.dataset.kind = 'memory';
      text.textContent = `Memory only: nothing is saved, reloading the page loses the lab's state. ${status.reason ?? ''}`.trim();
    }
  };
  const off = server.onChange(() => render(server.status));
  render(server.status);
  return { dispose: () => { off(); root.replaceChildren(); } };
}
