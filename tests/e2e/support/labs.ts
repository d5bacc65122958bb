// Shared by the browser tests of the lab page: the page's parts (the editor,
// the worker's strip, the check's summary and steps), putting text into the
// editor the way an attendee does (through CodeMirror: selecting all and
// pasting), and running the check to its verdict.
import type { Page } from 'playwright-core';

/** Loading Pyodide for a worker or a check: generous, this machine is slow and busy. */
export const LOAD_MS = 180_000;
/** A whole check, from loading its Python process to its last step. */
export const CHECK_MS = 240_000;

export const nav = (page: Page, name: 'Labs' | 'Workflows') =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
export const editor = (page: Page) => page.locator('.lab-editor');
export const runStatus = (page: Page) => page.getByTestId('lab-run-status');
export const checkSummary = (page: Page) => page.locator('.check-summary');

/** Selects a file's tab in the editor and puts the cursor in its text. */
export async function openFile(page: Page, file: string): Promise<void> {
  await editor(page).getByRole('tab', { name: file }).click();
  await editor(page).locator('.cm-content').click();
}

/** Replaces a file's whole text in the editor as an attendee pasting it does: its tab, Ctrl+A, the text inserted. */
export async function pasteFile(page: Page, file: string, text: string): Promise<void> {
  await openFile(page, file);
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/** Runs the check and waits for its verdict; returns the summary line. */
export async function runCheck(page: Page): Promise<string> {
  await page.getByRole('toolbar').getByRole('button', { name: 'Check', exact: true }).click();
  await page.getByRole('button', { name: 'Stop' }).waitFor(); // it runs, and can be stopped
  await checkSummary(page).and(page.locator('[data-outcome="passed"], [data-outcome="failed"]')).waitFor({ timeout: CHECK_MS });
  return (await checkSummary(page).textContent()) ?? '';
}

/**
 * Every step of the check panel that did not pass, as text for an assertion's
 * message: its title, and for a failure what was expected, what happened, the
 * hint and the details; for a skip, why. Then the tail of the check's output.
 */
export async function describeUnpassedSteps(page: Page): Promise<string> {
  return page.locator('.check-panel').evaluate((panel) => {
    const lines: string[] = [];
    for (const step of panel.querySelectorAll<HTMLElement>('.check-step:not([data-status="passed"])')) {
      lines.push(`- [${step.dataset.status}] ${step.dataset.step}: ${step.querySelector('.check-step-title')?.textContent ?? ''}`);
      for (const term of step.querySelectorAll('dt')) lines.push(`    ${term.textContent}: ${term.nextElementSibling?.textContent ?? ''}`);
      const reason = step.querySelector('.check-reason')?.textContent;
      if (reason) lines.push(`    Skipped: ${reason}`);
      const details = step.querySelector('.check-details')?.textContent;
      if (details) lines.push(`    Details:\n${details.replace(/^/gm, '      ')}`);
    }
    const output = (panel.querySelector('.check-output')?.textContent ?? '').trimEnd().split('\n').slice(-40).join('\n');
    if (output) lines.push(`Check output (last lines):\n${output}`);
    return lines.join('\n');
  });
}
