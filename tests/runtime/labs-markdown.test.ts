// The lab README renderer (web/src/ui/labs/markdown.ts) on jsdom: Markdown
// becomes the allowed HTML, mermaid blocks become their marked <pre>, and
// hostile input (raw HTML, script, event handlers, javascript: links, styles)
// never reaches the output, whether it comes as Markdown or as HTML.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { JSDOM } from 'jsdom';
import { createMarkdownRenderer, MERMAID_CLASS } from '../../web/src/ui/labs/markdown.ts';

const window = new JSDOM('').window;
const renderer = createMarkdownRenderer(window as unknown as Parameters<typeof createMarkdownRenderer>[0]);
const parse = (html: string) => JSDOM.fragment(html);

/** Every element and attribute name in the HTML, to compare with the allow-list. */
function inventory(html: string): { tags: Set<string>; attributes: Set<string> } {
  const tags = new Set<string>();
  const attributes = new Set<string>();
  for (const element of parse(html).querySelectorAll('*')) {
    tags.add(element.localName);
    for (const attribute of element.attributes) attributes.add(attribute.name);
  }
  return { tags, attributes };
}

test('Markdown renders headings, lists, inline code, code blocks and tables', () => {
  const html = renderer.render('# Lab 01\n\nUse `workflow.sleep`.\n\n1. one\n2. two\n\n```python\nprint("hi")\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n');
  const doc = parse(html);
  assert.equal(doc.querySelector('h1')?.textContent, 'Lab 01');
  assert.equal(doc.querySelector('p code')?.textContent, 'workflow.sleep');
  assert.equal(doc.querySelectorAll('ol li').length, 2);
  assert.equal(doc.querySelector('pre code.language-python')?.textContent, 'print("hi")\n');
  assert.equal(doc.querySelectorAll('table td').length, 2);
});

test('a mermaid block is kept as its source text in a marked <pre>, for the page to draw', () => {
  const source = 'flowchart LR\n    A[an attempt fails] --> B{retry?<br/>yes}\n';
  const pre = parse(renderer.render(`\`\`\`mermaid\n${source}\`\`\`\n`)).querySelector(`pre.${MERMAID_CLASS}`);
  assert.ok(pre);
  assert.equal(pre.textContent, source);
  assert.equal(pre.querySelector('br'), null, 'the label markup stays text');
});

test('raw HTML in Markdown stays text: no element, no handler', () => {
  const hostile = [
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    '<iframe src="https://example.com"></iframe>',
    '<style>body { display: none }</style>',
    '<a href="#" onclick="alert(1)">click</a>',
    '<svg onload=alert(1)></svg>',
  ].join('\n\n');
  const html = renderer.render(hostile);
  const { tags, attributes } = inventory(html);
  assert.deepEqual([...tags], ['p']);
  assert.deepEqual([...attributes], []);
  assert.match(parse(html).textContent ?? '', /<img src=x onerror=alert\(1\)>/, 'shown as the text it is');
});

test('links: javascript: and data: are not links; outside links open apart from the lab', () => {
  const doc = parse(renderer.render('[a](javascript:alert(1)) [b](data:text/html,<script>alert(1)</script>) [c](https://docs.temporal.io) [d](#/labs/02)'));
  const links = [...doc.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('target'), a.getAttribute('rel')]);
  assert.deepEqual(links, [
    ['c', 'https://docs.temporal.io', '_blank', 'noopener noreferrer'],
    ['d', '#/labs/02', null, null],
  ]);
});

test('the sanitizer keeps only the allow-list, whatever HTML it gets', () => {
  const html = renderer.sanitize(
    '<img src=x onerror=alert(1)><script>alert(1)</script><iframe src="/"></iframe><style>*{}</style>' +
    '<p style="color:red" class="evil" onclick="steal()" data-x="1" aria-hidden="true" id="p">kept</p>' +
    '<a href="javascript:alert(1)">j</a><svg><script>alert(1)</script></svg><math><mi>x</mi></math>' +
    '<form action="/"><input name="q"></form><object data="x"></object><embed src="x"><base href="/evil/">' +
    '<pre><code class="language-python">ok</code></pre>',
  );
  const { tags, attributes } = inventory(html);
  assert.deepEqual([...tags].sort(), ['a', 'code', 'img', 'p', 'pre']);
  assert.deepEqual([...attributes].sort(), ['class', 'src']);
  const doc = parse(html);
  assert.equal(doc.querySelector('p')?.textContent, 'kept');
  assert.equal(doc.querySelector('a')?.hasAttribute('href'), false);
  assert.equal(doc.querySelector('code')?.className, 'language-python');
});

test('every published lab README renders, with its diagrams and nothing outside the allow-list', () => {
  const labs = new URL('../../labs/', import.meta.url);
  const published = readdirSync(labs).filter((name) => existsSync(new URL(`${name}/lab.json`, labs)) && existsSync(new URL(`${name}/README.md`, labs)));
  assert.ok(published.length > 0);
  for (const name of published) {
    const readme = readFileSync(new URL(`${name}/README.md`, labs), 'utf8');
    const html = renderer.render(readme);
    const { tags, attributes } = inventory(html);
    for (const tag of tags) assert.ok(!['script', 'style', 'iframe'].includes(tag), `${name}: ${tag}`);
    for (const attribute of attributes) assert.ok(!attribute.startsWith('on') && attribute !== 'style', `${name}: ${attribute}`);
    assert.equal(parse(html).querySelectorAll(`pre.${MERMAID_CLASS}`).length, (readme.match(/^```mermaid\s*$/gm) ?? []).length, name);
  }
});
