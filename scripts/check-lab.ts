// Runs a lab's check in Node, as the lab page runs it: check.py next to the
// files, in a fresh Python process on a private engine. For instructors
// writing a lab; the full proof of every lab is tests/labs/labs.test.ts.
//
//   npm run check-lab -- <lab> [solution|starter|<folder>]
//   npm run check-lab -- 01-timers-and-retries starter
//
// <lab> is the folder name or its number ("01"); the files default to the
// solution; a folder is read for the files lab.json lists. Exit code 0 when
// every step passed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLabs, runLabCheck } from '../web/src/labs/node.ts';

const [wanted, which = 'solution'] = process.argv.slice(2);
if (!wanted) {
  console.error('usage: npm run check-lab -- <lab folder or number> [solution|starter|<folder>]');
  process.exit(2);
}
let labs;
try {
  labs = readLabs().labs;
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const lab = labs.find((l) => l.id === wanted || l.id.startsWith(`${wanted}-`));
if (!lab) {
  console.error(`no lab ${wanted}; the labs are: ${labs.map((l) => l.id).join(', ')}`);
  process.exit(2);
}
const files = which === 'solution' || which === 'starter' ? lab[which]
  : Object.fromEntries(lab.files.filter((f) => existsSync(join(which, f))).map((f) => [f, readFileSync(join(which, f), 'utf8')]));
console.log(`labs/${lab.id} on ${which === 'solution' || which === 'starter' ? `its ${which}` : which}: ${Object.keys(files).join(', ')}`);

const report = await runLabCheck(lab, files, {
  onEvent: (event) => {
    if (event.type === 'output') (event.stream === 'stderr' ? process.stderr : process.stdout).write(event.text.endsWith('\n') ? event.text : `${event.text}\n`);
  },
});
if (report.error) console.error(`The check did not finish: ${report.error}`);
process.exitCode = report.ok ? 0 : 1;
