// The labs catalogue: what a lab folder must hold, and the typed form the
// site ships for it. Pure (no file system), so the page can use the types and
// the tests can feed it folders by hand; node.ts reads real folders from
// labs/. labs/README.md documents the same rules for instructors: keep the two
// in step.
//
//   labs/NN-slug/
//     lab.json        LabManifest: title, summary, minutes, file tabs, worker and MCP entries
//     README.md       the steps the attendee follows (Markdown, mermaid diagrams)
//     starter/        the files the attendee starts from (every file of lab.json "files"), with TODOs
//     solution/       the files the lab changes, finished (the others are the starter's)
//     check.py        the lab's check (durable_lab.checks)
//     instructor.md   optional notes for the instructor
//     chapter.json    optional test fixture: the chapter's code for each TODO (tests/labs/)
//
// A folder becomes a lab when it has a lab.json; until then it is a draft,
// listed but not published.
import { checkFiles } from '../processes/python-process.ts';

/** lab.json. */
export interface LabManifest {
  title: string;
  /** One line, for the list of labs. */
  summary: string;
  /** How long the lab takes, in minutes. */
  minutes: number;
  /** The files the attendee edits, in the order of the editor's tabs: starter/ holds exactly these, solution/ those the lab changes. */
  files: string[];
  /** The script the Python worker process runs (one of `files`), e.g. "worker.py". */
  worker: string;
  /** The script the MCP server process runs, if the lab has one (one of `files`). */
  mcpServer?: string;
}

/** One entry of labs/index.json. */
export interface LabSummary extends LabManifest {
  /** The folder name, "01-timers-and-retries"; the lab's JSON is labs/<id>.json. */
  id: string;
  /** NN of the folder name: the order attendees take the labs in. */
  number: number;
}

/** labs/<id>.json: everything the lab page needs. */
export interface Lab extends LabSummary {
  readme: string;
  instructor?: string;
  /** Every file of `files`, as the attendee starts. */
  starter: Record<string, string>;
  /** Every file of `files`, finished. */
  solution: Record<string, string>;
  /** check.py's text. */
  check: string;
}

export interface LabIndex {
  labs: LabSummary[];
}

export interface LabCatalog {
  labs: Lab[];
  /** Folders without a lab.json yet. */
  drafts: string[];
}

/** A lab folder as read from disk, before any rule is checked. */
export interface LabFolder {
  name: string;
  /** The folder's top-level files: {name: text}. */
  files: Record<string, string>;
  /** The folder's top-level directories: {name: {relative path: text}}. */
  directories: Record<string, Record<string, string>>;
}

/** Bad labs: every problem found, each naming its folder. */
export class LabFormatError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`${problems.length === 1 ? 'A lab is' : 'Labs are'} not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'LabFormatError';
    this.problems = problems;
  }
}

const FOLDER_NAME = /^(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const REQUIRED_FILES = ['lab.json', 'README.md', 'check.py'];
const OPTIONAL_FILES = ['instructor.md', 'chapter.json'];
const DIRECTORIES = ['starter', 'solution'];
const MANIFEST_FIELDS = ['title', 'summary', 'minutes', 'files', 'worker', 'mcpServer'];
const MAX_SUMMARY = 200;
const MAX_MINUTES = 240;

/** Validates every folder; throws one LabFormatError listing all problems. */
export function buildCatalog(folders: LabFolder[]): LabCatalog {
  const labs: Lab[] = [];
  const drafts: string[] = [];
  const problems: string[] = [];
  for (const folder of [...folders].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!('lab.json' in folder.files)) {
      drafts.push(folder.name);
      continue;
    }
    const found: string[] = [];
    const lab = validateLab(folder, found);
    problems.push(...found.map((p) => `labs/${folder.name}: ${p}`));
    if (lab) labs.push(lab);
  }
  const byNumber = new Map<number, string>();
  for (const lab of labs) {
    const other = byNumber.get(lab.number);
    if (other) problems.push(`labs/${lab.id}: labs/${other} has the number ${String(lab.number).padStart(2, '0')} too; each lab needs its own`);
    byNumber.set(lab.number, lab.id);
  }
  if (problems.length > 0) throw new LabFormatError(problems);
  return { labs, drafts };
}

/** labs/index.json for a catalogue. */
export function labIndex(catalog: LabCatalog): LabIndex {
  return { labs: catalog.labs.map(labSummary) };
}

export function labSummary(lab: Lab): LabSummary {
  const { id, number, title, summary, minutes, files, worker, mcpServer } = lab;
  return { id, number, title, summary, minutes, files, worker, ...(mcpServer === undefined ? {} : { mcpServer }) };
}

/** One lab folder; adds what is wrong to `problems` and returns the lab only if nothing is. */
function validateLab(folder: LabFolder, problems: string[]): Lab | null {
  const name = FOLDER_NAME.exec(folder.name);
  if (!name) problems.push('the folder name must be NN-slug: two digits, a dash, lowercase words joined by dashes (e.g. 01-timers-and-retries)');
  for (const file of Object.keys(folder.files)) {
    if (!REQUIRED_FILES.includes(file) && !OPTIONAL_FILES.includes(file)) problems.push(`unexpected file ${file} (${LAYOUT})`);
  }
  for (const dir of Object.keys(folder.directories)) {
    if (!DIRECTORIES.includes(dir)) problems.push(`unexpected folder ${dir}/ (${LAYOUT})`);
  }
  for (const file of REQUIRED_FILES) {
    if (!(file in folder.files)) problems.push(`${file} is missing`);
    else if (folder.files[file]!.trim() === '') problems.push(`${file} is empty`);
  }
  const manifest = validateManifest(folder.files['lab.json'], problems);
  for (const dir of DIRECTORIES) {
    const tree = folder.directories[dir];
    if (!tree || Object.keys(tree).length === 0) {
      problems.push(`${dir}/ is missing or empty`);
    } else if (manifest) {
      for (const file of Object.keys(tree)) {
        if (!manifest.files.includes(file)) problems.push(`${dir}/${file} is not in lab.json "files" (list it there, or remove it)`);
      }
    }
  }
  const starter = folder.directories.starter ?? {};
  for (const file of manifest?.files ?? []) if (!(file in starter)) problems.push(`starter/${file} is missing (lab.json "files" lists it)`);
  if (problems.length > 0 || !manifest || !name) return null;
  const instructor = folder.files['instructor.md'];
  return {
    id: folder.name,
    number: Number(name[1]),
    ...manifest,
    readme: folder.files['README.md']!,
    ...(instructor === undefined ? {} : { instructor }),
    starter,
    // solution/ holds the files the lab changes; the others are the starter's.
    solution: { ...starter, ...folder.directories.solution },
    check: folder.files['check.py']!,
  };
}

const LAYOUT = 'a lab folder holds lab.json, README.md, check.py, starter/, solution/, and optionally instructor.md and chapter.json';

function validateManifest(text: string | undefined, problems: string[]): LabManifest | null {
  if (text === undefined || text.trim() === '') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    problems.push(`lab.json is not valid JSON: ${(error as Error).message}`);
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push('lab.json must be a JSON object');
    return null;
  }
  const m = raw as Record<string, unknown>;
  const before = problems.length;
  const bad = (field: string, rule: string) => problems.push(`lab.json "${field}" ${rule}`);
  for (const field of Object.keys(m)) {
    if (!MANIFEST_FIELDS.includes(field)) bad(field, `is not a lab.json field (the fields are ${MANIFEST_FIELDS.join(', ')})`);
  }
  if (!isLine(m.title)) bad('title', 'must be a non-empty line of text');
  if (!isLine(m.summary) || m.summary.length > MAX_SUMMARY) bad('summary', `must be a non-empty line of at most ${MAX_SUMMARY} characters`);
  if (!Number.isInteger(m.minutes) || (m.minutes as number) < 1 || (m.minutes as number) > MAX_MINUTES) {
    bad('minutes', `must be a whole number of minutes from 1 to ${MAX_MINUTES}`);
  }
  const files = m.files;
  if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === 'string')) {
    bad('files', 'must be a non-empty list of file paths (the editor tabs, in order)');
  } else {
    const badPath = checkFiles(Object.fromEntries(files.map((f) => [f, ''])));
    if (badPath) bad('files', `has a bad path: ${badPath}`);
    if (new Set(files).size !== files.length) bad('files', 'lists a file twice');
  }
  const listed = Array.isArray(files) ? (files as unknown[]) : [];
  for (const field of ['worker', 'mcpServer']) {
    const value = m[field];
    if (value === undefined && field === 'mcpServer') continue;
    if (typeof value !== 'string' || !value.endsWith('.py') || !listed.includes(value)) {
      bad(field, `must name a .py file listed in "files"${field === 'mcpServer' ? ' (or be left out)' : ''}`);
    }
  }
  return problems.length === before ? (m as unknown as LabManifest) : null;
}

function isLine(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && !value.includes('\n');
}
