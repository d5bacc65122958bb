// An attendee's walk through labs 01 to 08 in the built site (dist/), in one
// fresh browser: for each lab, from the list of labs, its page (the README
// drawn, its mermaid diagrams as svg), the solution pasted into each tab whose
// file it changes (through CodeMirror, as an attendee pastes; the text from
// the lab's JSON as the site ships it), Run (the worker restarts on that
// code), Check (every step of check.py passes), a screenshot
// test-results/lab-NN-checked.png; at the end the list says every lab is done.
// Needs `npm run build` first. Prints how long each lab took.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { before, test } from 'node:test';
import { root, useBuiltSite } from './support/chromium.ts';
import { describeUnpassedSteps, editor, LOAD_MS, nav, pasteFile, runCheck, runStatus } from './support/labs.ts';

const results = `${root}/test-results`;
const NUMBERS = ['01', '02', '03', '04', '05', '06', '07', '08'];
/** A lab as the site ships it (labs/<id>.json), the fields this test uses. */
interface ShippedLab {
  id: string;
  number: number;
  title: string;
  files: string[];
  readme: string;
  starter: Record<string, string>;
  solution: Record<string, string>;
  check: string;
}
const site = useBuiltSite();
before(() => mkdirSync(results, { recursive: true }));

async function shipped<T>(path: string): Promise<T> {
  const response = await fetch(`${site.origin}/${path}`);
  assert.ok(response.ok, `${path}: HTTP ${response.status}`);
  return response.json() as Promise<T>;
}

/** The steps check.py declares: the worker step and each @check.step. */
const declaredSteps = (check: string) => (check.match(/^\s*@check\.step\(|\bcheck\.worker_step\(/gm) ?? []).length;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A stopwatch: each lap() is the time since the previous one (or the start). */
function stopwatch(): { lap(): string; total(): string } {
  const start = Date.now();
  let last = start;
  return {
    lap() {
      const now = Date.now();
      const spent = now - last;
      last = now;
      return seconds(spent);
    },
    total: () => seconds(Date.now() - start),
  };
}

test('labs 01 to 08, as an attendee: the solution pasted, Run, Check, all done', { timeout: 60 * 60_000 }, async (t) => {
  const walk = stopwatch();
  const index = await shipped<{ labs: Array<{ id: string; number: number }> }>('labs/index.json');
  const labs = await Promise.all(NUMBERS.map((number) => {
    const summary = index.labs.find((lab) => lab.number === Number(number));
    assert.ok(summary, `the site ships no lab ${number}`);
    return shipped<ShippedLab>(`labs/${summary.id}.json`);
  }));

  const context = await site.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${site.origin}/`);
  await page.locator('#status').filter({ hasText: /^engine \S+ ready$/ }).waitFor({ timeout: 60_000 });

  for (const [i, lab] of labs.entries()) {
    const number = NUMBERS[i]!;
    const watch = stopwatch();

    // From the list, as an attendee: the lab's title is a link to its page.
    if (!/#\/labs$/.test(page.url())) await nav(page, 'Labs');
    const row = page.locator(`tr[data-lab="${lab.id}"]`);
    await row.getByRole('link', { name: lab.title, exact: true }).click();
    await page.waitForURL(new RegExp(`#/labs/${number}$`));

    // The README, with each mermaid block drawn as a diagram.
    const readme = page.locator('.lab-readme-body');
    const heading = lab.readme.match(/^# (.+)$/m)?.[1];
    assert.ok(heading, `lab ${number}'s README has a title`);
    await readme.getByRole('heading', { name: heading, exact: true, level: 1 }).waitFor({ timeout: 30_000 });
    const diagrams = (lab.readme.match(/^```mermaid$/gm) ?? []).length;
    assert.ok(diagrams >= 1, `lab ${number}'s README has a mermaid diagram`);
    await readme.locator('.lab-diagram > svg').nth(diagrams - 1).waitFor({ timeout: 60_000 });
    assert.equal(await readme.locator('.lab-diagram > svg').count(), diagrams);
    assert.equal(await readme.locator('pre.lab-mermaid:visible').count(), 0, 'no diagram is left as source');
    const opened = watch.lap();

    // The solution, pasted into each tab whose file it changes.
    assert.deepEqual((await editor(page).getByRole('tab').allTextContents()).map((name) => name.trim()), lab.files);
    const changed = lab.files.filter((file) => lab.solution[file] !== lab.starter[file]);
    assert.ok(changed.length >= 1, `lab ${number}'s solution changes a file`);
    for (const file of changed) await pasteFile(page, file, lab.solution[file]!);
    // Show solution agrees: every file is the same as the solution's.
    const solutionButton = page.getByRole('button', { name: 'Show solution' });
    await solutionButton.click();
    const solution = page.locator('.lab-solution');
    await solution.waitFor();
    const differs = (await solution.locator('.tab-mark:visible').evaluateAll((marks) => marks.map((mark) => mark.closest('[role="tab"]')?.getAttribute('data-tab'))));
    assert.deepEqual(differs, [], `lab ${number}: the editor's text is the solution's`);
    await solutionButton.click();
    await editor(page).waitFor();
    const pasted = watch.lap();

    // Run: the worker restarts on the edited code.
    await page.getByRole('toolbar').getByRole('button', { name: 'Run', exact: true }).click();
    await runStatus(page).filter({ hasText: new RegExp(`^Running lab ${number}: your code as edited at \\d\\d:\\d\\d:\\d\\d\\.$`) }).waitFor({ timeout: LOAD_MS });
    assert.equal(await page.getByTestId('lab-worker-state').textContent(), 'running');
    const ran = watch.lap();

    // Check: every step passes.
    const verdict = await runCheck(page);
    const steps = declaredSteps(lab.check);
    if (verdict !== `All ${steps} steps passed.`) {
      assert.fail(`lab ${number} (${lab.id}): the check says "${verdict}"\n${await describeUnpassedSteps(page)}`);
    }
    assert.equal(await page.locator('.check-step').count(), steps);
    assert.equal(await page.locator('.check-step[data-status="passed"]').count(), steps);
    const checked = watch.lap();
    await page.screenshot({ path: `${results}/lab-${number}-checked.png`, fullPage: true }); // every step, passed

    t.diagnostic(`lab ${number}: ${watch.total()} (page ${opened}, paste ${pasted}, run ${ran}, check ${checked})`);
  }

  // The list: every lab walked through is done.
  await nav(page, 'Labs');
  for (const lab of labs) await page.getByTestId(`lab-status-${lab.id}`).filter({ hasText: /^done$/ }).waitFor();
  await page.screenshot({ path: `${results}/labs-walkthrough-done.png`, fullPage: true });

  assert.deepEqual(errors, []);
  await context.close();
  t.diagnostic(`labs 01 to 08: ${walk.total()}`);
});
