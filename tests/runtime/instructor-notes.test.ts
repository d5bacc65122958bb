// The labs' instructor notes (labs/NN-slug/instructor.md, shown in the
// instructor panel): in the shape labs/README.md gives them, and, like a
// README, naming only what the lab's code has, so they cannot drift from it.
//
//   node --import tsx --test tests/runtime/instructor-notes.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readLabs } from '../../web/src/labs/node.ts';
import { readmeProblems } from '../labs/readme-review.ts';

/** The sections the panel's notes have, in this order: how long, what to show, what goes wrong, what to ask. */
const SECTIONS = ['Timing', 'What to demo', 'Common mistakes', 'Ask the room'];
const MAX_WORDS = 300;

test('labs 00 to 08 have notes: short, the four sections, naming only what the lab\u2019s code has', () => {
  const { labs } = readLabs();
  const withNotes = labs.filter((lab) => lab.instructor !== undefined);
  // The format leaves notes optional; the workshop's own labs all have them.
  assert.deepEqual(withNotes.filter((lab) => lab.number <= 8).map((lab) => lab.number), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  for (const lab of withNotes) {
    const notes = lab.instructor!;
    const where = `labs/${lab.id}/instructor.md`;
    assert.match(notes, new RegExp(`^# Lab ${lab.id.slice(0, 2)}: instructor notes\\n`), `${where}: its title`);
    const headings = [...notes.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    assert.deepEqual(headings, SECTIONS, `${where}: its sections`);
    assert.match(notes, /## Ask the room\n\n[^#]+\?\n$/, `${where}: a question for the room`);
    const words = notes.split(/\s+/).length;
    assert.ok(words <= MAX_WORDS, `${where}: ${words} words; keep it under ${MAX_WORDS}`);
    assert.deepEqual(readmeProblems({ ...lab, readme: notes }), [], `${where} names what the lab does not have`);
  }
});
