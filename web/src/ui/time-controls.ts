// Time controls: the virtual clock, skip buttons (SkipTime / SkipToNextTimer)
// and the auto time-skipping switch (SetAutoTimeSkipping). The engine has no
// RPC that reads the switch back, so the page remembers it and sets it on the
// server whenever a server (re)starts or the data is reset.
import { formatVirtualTime, type VirtualClock } from './clock.ts';
import type { Disposable, WorkflowService } from './deps.ts';
import { errorMessage, h } from './dom.ts';

const AUTO_SKIP_KEY = 'durable-lab:auto-time-skipping';
const SKIPS: { label: string; duration: string }[] = [
  { label: '+1 minute', duration: '60s' },
  { label: '+1 hour', duration: '3600s' },
  { label: '+1 day', duration: '86400s' },
  { label: '+5 days', duration: '432000s' },
];

export interface TimeControls extends Disposable {
  /** Sets the remembered auto time-skipping on the server and refreshes the clock (after a server start or reset). */
  sync(): Promise<void>;
}

function autoSkipWanted(): boolean {
  try { return localStorage.getItem(AUTO_SKIP_KEY) === 'true'; } catch { return false; }
}

export function mountTimeControls(root: HTMLElement, service: WorkflowService, clock: VirtualClock): TimeControls {
  const time = h('time', { class: 'clock-time', 'data-testid': 'virtual-clock' }, '—');
  const message = h('span', { class: 'time-message', role: 'status', 'aria-live': 'polite' });
  const autoSkip = h('input', { type: 'checkbox', role: 'switch', 'aria-label': 'Auto time-skipping' });
  autoSkip.checked = autoSkipWanted();
  const buttons: HTMLButtonElement[] = [];

  const run = async (action: () => Promise<void>) => {
    message.textContent = '';
    message.classList.remove('error');
    for (const button of buttons) button.disabled = true;
    try {
      await action();
    } catch (error) {
      message.textContent = errorMessage(error);
      message.classList.add('error');
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  };

  for (const skip of SKIPS) {
    buttons.push(h('button', {
      type: 'button', class: 'small', title: `SkipTime ${skip.duration}`,
      onclick: () => run(async () => clock.set((await service.call<{ time?: string }>('SkipTime', { duration: skip.duration })).time)),
    }, skip.label));
  }
  buttons.push(h('button', {
    type: 'button', class: 'small', title: 'SkipToNextTimer',
    onclick: () => run(async () => {
      const reply = await service.call<{ time?: string; skipped?: boolean }>('SkipToNextTimer', {});
      clock.set(reply.time);
      if (!reply.skipped) message.textContent = 'no timer or deadline is pending';
    }),
  }, 'Next timer'));

  autoSkip.addEventListener('change', () => run(async () => {
    try { localStorage.setItem(AUTO_SKIP_KEY, String(autoSkip.checked)); } catch { /* not remembered */ }
    await service.call('SetAutoTimeSkipping', { enabled: autoSkip.checked });
    await clock.refresh();
  }));

  root.classList.add('time-controls');
  root.append(
    h('span', { class: 'clock' }, h('span', { class: 'clock-label' }, 'Virtual time'), time),
    h('span', { class: 'skip-buttons', role: 'group', 'aria-label': 'Skip time' }, ...buttons),
    h('label', { class: 'switch' }, autoSkip, ' Auto time-skipping'),
    message,
  );

  const render = () => {
    const now = clock.now();
    time.textContent = clock.known ? formatVirtualTime(now) : '—';
    time.dateTime = new Date(now).toISOString();
  };
  const offClock = clock.onChange(render);
  const tick = setInterval(render, 1_000);
  // The server's clock can move without the page (auto time-skipping, another caller): re-read it now and then.
  const poll = setInterval(() => { clock.refresh().catch(() => {}); }, 5_000);
  render();

  return {
    async sync() {
      await service.call('SetAutoTimeSkipping', { enabled: autoSkip.checked });
      await clock.refresh();
    },
    dispose() {
      offClock();
      clearInterval(tick);
      clearInterval(poll);
      root.replaceChildren();
    },
  };
}
