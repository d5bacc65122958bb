// The README review: what a lab's README.md shows as `code` must exist in the
// lab, so the text cannot drift from the files it describes. Inline code spans
// only (fenced blocks are examples: input JSON, diagrams). Each span is one of:
//
//   a file        `worker.py`            one of lab.json "files"
//   a TODO        `TODO(timer)`          a marker in starter/
//   a string      `"invoice-task-queue"` that literal, quotes included, in starter/ or solution/
//   a name        `payment_gateway`, `workflow.sleep`, `@workflow.signal`, `InvoiceWorkflow.run()`
//                 every dotted part a word of starter/ or solution/, or a history
//                 event type the engine knows (`TimerStarted`), or in ALLOWED_NAMES
//   anything else (an expression, a value, a message) is prose: not checked.
import { readFileSync } from 'node:fs';
import type { Lab } from '../../web/src/labs/catalog.ts';

/**
 * Names a README may show that need not be in the lab's code: Python or
 * Temporal API a lab points to without using it. None so far: every name the
 * labs show is in their code. Keep it short; a name that belongs to the lab
 * belongs in its code.
 */
export const ALLOWED_NAMES = new Set<string>();

const FILE = /^[\w.-]+(?:\/[\w.-]+)*\.(?:py|json|md|txt)$/;
const TODO = /^TODO\([\w-]+\)$/;
const STRING = /^"[^"\n]*"$/;
const NAME = /^@?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?:\(\))?$/;

/** Temporal's event types as the page shows them (TimerStarted), from the engine's EventType enum. */
const EVENT_TYPES = new Set(
  [...readFileSync(new URL('../../wasm/include/durable/history.h', import.meta.url), 'utf8')
    .matchAll(/^\s*k(\w+) = \d+,$/gm)].map((m) => m[1]!).filter((name) => name !== 'Unspecified'),
);

/** Inline code spans of Markdown, outside fenced code blocks. */
export function inlineCode(markdown: string): string[] {
  const prose = markdown.replace(/^[ \t]*(```|~~~)[^\n]*\n[\s\S]*?^[ \t]*\1[^\n]*$/gm, '');
  return [...prose.matchAll(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g)].map((m) => m[2]!.trim());
}

/** Every span of the lab's README that names something the lab does not have. */
export function readmeProblems(lab: Pick<Lab, 'files' | 'starter' | 'solution' | 'readme'>, allowed: Set<string> = ALLOWED_NAMES): string[] {
  const starter = Object.values(lab.starter).join('\n');
  const code = `${starter}\n${Object.values(lab.solution).join('\n')}`;
  const words = new Set(code.match(/\w+/g));
  const problems: string[] = [];
  for (const span of new Set(inlineCode(lab.readme))) {
    if (FILE.test(span)) {
      if (!lab.files.includes(span)) problems.push(`\`${span}\` is not one of the lab's files (${lab.files.join(', ')})`);
    } else if (TODO.test(span)) {
      if (!starter.includes(`# ${span}:`)) problems.push(`\`${span}\` is not a TODO in starter/`);
    } else if (STRING.test(span)) {
      if (!code.includes(span)) problems.push(`\`${span}\` does not appear in starter/ or solution/`);
    } else {
      const name = NAME.exec(span)?.[1];
      if (name === undefined || allowed.has(name) || EVENT_TYPES.has(name)) continue;
      const missing = name.split('.').filter((part) => !words.has(part));
      if (missing.length > 0) problems.push(`\`${span}\`: ${missing.join(', ')} is not in starter/ or solution/`);
    }
  }
  return problems;
}
