// Draws mermaid text into an SVG element with the bundled mermaid package
// (loaded on first use; no CDN), strict security level, theme from the
// page's color scheme. Labels are SVG text, not HTML in a foreignObject, so
// every diagram type (the labs' flowcharts and state diagrams too) comes out
// as well-formed SVG and the XML parse below accepts it; anything else fails
// closed instead of reaching the page.
let loaded: Promise<typeof import('mermaid').default> | undefined;
let initializedTheme: string | undefined;

function loadMermaid() {
  loaded ??= import('mermaid').then((m) => m.default);
  return loaded;
}

export async function renderMermaid(id: string, text: string): Promise<Element> {
  const mermaid = await loadMermaid();
  const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  const theme = dark ? 'dark' : 'default';
  if (initializedTheme !== theme) {
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme, htmlLabels: false, sequence: { showSequenceNumbers: false } });
    initializedTheme = theme;
  }
  const { svg } = await mermaid.render(id.replace(/[^A-Za-z0-9_-]/g, '_'), text);
  // Parsed as SVG (not HTML) and adopted; mermaid's strict level already sanitizes labels.
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.nodeName !== 'svg') throw new Error('mermaid returned no SVG');
  return document.importNode(root, true);
}
