// A lab's README in the page: sanitized Markdown (markdown.ts), with each
// mermaid block drawn as a diagram by the app's mermaid loader (strict
// security level, themed for the page's colour scheme) and drawn again when
// the scheme changes, so a diagram is never dark-on-dark.
import { renderMermaid } from '../workflows/diagram.ts';
import { errorMessage, h } from '../dom.ts';
import { createMarkdownRenderer, MERMAID_CLASS, type MarkdownRenderer } from './markdown.ts';

let renderer: MarkdownRenderer | undefined;
let diagramRenders = 0;
/** A diagram shrunk to a narrow column below this width gets labels too small to read; it scrolls instead. */
const MIN_DIAGRAM_PX = 576;

export function mountReadme(root: HTMLElement, readme: string, labId: string): { dispose(): void } {
  renderer ??= createMarkdownRenderer(window);
  const body = h('div', { class: 'lab-readme-body' });
  body.append(renderer.renderFragment(readme));

  // Each diagram's source, taken as text from the sanitized block; the block stays as the fallback if drawing fails.
  const diagrams = [...body.querySelectorAll<HTMLPreElement>(`pre.${MERMAID_CLASS}`)].map((source) => {
    const figure = h('figure', { class: 'lab-diagram' });
    source.before(figure);
    source.hidden = true;
    return { source, figure, text: source.textContent ?? '' };
  });
  let disposed = false;
  const scheme = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const draw = () => {
    diagrams.forEach(({ source, figure, text }, index) => {
      renderMermaid(`lab-${labId}-diagram-${index}-${++diagramRenders}`, text).then((svg) => {
        if (disposed) return;
        const naturalWidth = (svg as SVGSVGElement).viewBox?.baseVal?.width ?? 0;
        if (naturalWidth > 0) (svg as SVGSVGElement).style.minWidth = `${Math.min(naturalWidth, MIN_DIAGRAM_PX)}px`;
        figure.replaceChildren(svg);
        figure.dataset.scheme = scheme?.matches ? 'dark' : 'light';
        source.hidden = true;
      }, (error) => {
        if (disposed) return;
        figure.replaceChildren(h('figcaption', { class: 'error' }, `This diagram could not be drawn (${errorMessage(error)}); its source:`));
        source.hidden = false;
      });
    });
  };
  draw();
  scheme?.addEventListener('change', draw);

  root.append(body);
  return {
    dispose() {
      disposed = true;
      scheme?.removeEventListener('change', draw);
    },
  };
}
