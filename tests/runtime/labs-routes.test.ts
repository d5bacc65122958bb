// How the page finds a lab: the #/labs routes (web/src/ui/router.ts), a lab
// by number or id (findLab), and LabSource fetching each JSON file once and
// trying again after a failure (web/src/labs/lab-source.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabSummary } from '../../web/src/labs/catalog.ts';
import { findLab, LabSource } from '../../web/src/labs/lab-source.ts';
import { DEFAULT_HASH, labHash, parseRoute } from '../../web/src/ui/router.ts';

const summary = (id: string, number: number): LabSummary => ({
  id, number, title: id, summary: id, minutes: 10, files: ['worker.py'], worker: 'worker.py',
});
const LABS = [summary('01-timers-and-retries', 1), summary('03-queries', 3), summary('12-schedules', 12)];

test('routes: the list of labs is the first page; a lab by number or id', () => {
  assert.equal(DEFAULT_HASH, '#/labs');
  assert.deepEqual(parseRoute(DEFAULT_HASH), { name: 'labs' });
  assert.deepEqual(parseRoute('#/labs/03'), { name: 'lab', ref: '03' });
  assert.deepEqual(parseRoute('#/labs/03-queries'), { name: 'lab', ref: '03-queries' });
  assert.deepEqual(parseRoute(labHash('03')), { name: 'lab', ref: '03' });
  assert.equal(parseRoute('#/labs/03/extra'), null);
  assert.deepEqual(parseRoute('#/workflows'), { name: 'workflows' });
});

test('findLab: "03", "3" and the full id name the same lab; anything else none', () => {
  assert.equal(findLab(LABS, '03')?.id, '03-queries');
  assert.equal(findLab(LABS, '3')?.id, '03-queries');
  assert.equal(findLab(LABS, '12')?.id, '12-schedules');
  assert.equal(findLab(LABS, '03-queries')?.id, '03-queries');
  assert.equal(findLab(LABS, '02'), null);
  assert.equal(findLab(LABS, 'queries'), null);
});

test('LabSource fetches each file once, relative to the site, and again after a failure', async () => {
  const fetched: string[] = [];
  let failNext = true;
  const source = new LabSource('https://lab.example/site/index.html', async (url) => {
    fetched.push(url);
    if (url.endsWith('index.json')) return { labs: LABS };
    if (failNext) {
      failNext = false;
      throw new Error('offline');
    }
    return { ...LABS[1], readme: '# 03' };
  });
  assert.equal((await source.index()).length, 3);
  await source.index();
  await assert.rejects(source.lab('03-queries'), /offline/);
  assert.equal((await source.lab('03-queries')).readme, '# 03');
  await source.lab('03-queries');
  assert.deepEqual(fetched, [
    'https://lab.example/site/labs/index.json',
    'https://lab.example/site/labs/03-queries.json',
    'https://lab.example/site/labs/03-queries.json',
  ]);
});
