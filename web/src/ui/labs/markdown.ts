// A lab's README as HTML: markdown-it renders it, DOMPurify keeps only an
// allow-list of tags and attributes. Two layers because a README is content
// from a folder, not code we review line by line: markdown-it runs with raw
// HTML off (an <img onerror> in the text stays text), and the sanitizer would
// still strip anything a renderer bug or a plugin let through.
//
// ```mermaid blocks become <pre class="lab-mermaid"> holding the diagram's
// source as text; readme.ts draws them. Pure apart from the window DOMPurify
// works in, so the tests run it on jsdom.
import createDOMPurify, { type Config, type WindowLike } from 'dompurify';
import MarkdownIt from 'markdown-it';

/** The class of the <pre> holding a mermaid diagram's source. */
export const MERMAID_CLASS = 'lab-mermaid';

const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'ul', 'ol', 'li',
  'strong', 'em', 's', 'code', 'pre', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const ALLOWED_ATTR = ['href', 'title', 'src', 'alt', 'class', 'start'];
/** The only classes markdown-it emits: a fence's language, and our diagrams. */
const ALLOWED_CLASS = new RegExp(`^(?:language-[\\w+#-]+|${MERMAID_CLASS})$`);

export interface MarkdownRenderer {
  /** Markdown to sanitized HTML. */
  render(markdown: string): string;
  /** The same as nodes, for the page: no second HTML parse between the sanitizer and the document. */
  renderFragment(markdown: string): DocumentFragment;
  /** Any HTML to the allowed subset. */
  sanitize(html: string): string;
}

export function createMarkdownRenderer(window: WindowLike): MarkdownRenderer {
  const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
  const fence = markdown.renderer.rules.fence!;
  markdown.renderer.rules.fence = (tokens, index, options, env, self) => {
    const token = tokens[index]!;
    if (token.info.trim().split(/\s+/)[0] !== 'mermaid') return fence(tokens, index, options, env, self);
    return `<pre class="${MERMAID_CLASS}"><code>${markdown.utils.escapeHtml(token.content)}</code></pre>\n`;
  };

  // An instance of our own: hooks on DOMPurify's default instance would also change how mermaid sanitizes its labels.
  const purify = createDOMPurify(window);
  purify.addHook('uponSanitizeAttribute', (_node, data) => {
    if (data.attrName === 'class' && !data.attrValue.split(/\s+/).every((name) => ALLOWED_CLASS.test(name))) data.keepAttr = false;
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    // A link out of the site opens beside the lab instead of replacing it (and gets no handle on the lab's window).
    if (node.nodeName === 'A' && /^https?:/i.test(node.getAttribute('href') ?? '')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
  const config: Config = { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false, ALLOW_ARIA_ATTR: false };
  const sanitize = (html: string) => purify.sanitize(html, config);
  return {
    render: (text) => sanitize(markdown.render(text)),
    renderFragment: (text) => purify.sanitize(markdown.render(text), { ...config, RETURN_DOM_FRAGMENT: true }),
    sanitize,
  };
}
