// Vite plugin: ships the labs with the site as JSON, so any static host serves them:
//   labs/index.json   {labs: [...]}: each lab's lab.json fields, id and number, in order
//   labs/<id>.json    one lab: those fields, README.md, instructor.md, starter/, solution/, check.py
// The labs are the folders of labs/ at the repository root (node.ts reads and
// validates them): adding a folder adds a lab. A malformed lab fails the build
// with the folder and the problem; in `vite` (dev) the same paths are served
// fresh from disk, so an edited README shows on reload.
import type { Plugin } from 'vite';
import { labIndex, type LabCatalog } from './catalog.ts';
import { LABS_DIR, readLabs } from './node.ts';

/** {path under the site root: JSON text} for a catalogue. */
function labAssets(catalog: LabCatalog): Map<string, string> {
  const assets = new Map([['labs/index.json', JSON.stringify(labIndex(catalog))]]);
  for (const lab of catalog.labs) assets.set(`labs/${lab.id}.json`, JSON.stringify(lab));
  return assets;
}

const draftsNote = (drafts: string[]) =>
  `${drafts.map((d) => `labs/${d}`).join(', ')} ${drafts.length === 1 ? 'has' : 'have'} no lab.json yet: not published`;

export function labsPlugin(labsDir: string = LABS_DIR): Plugin {
  return {
    name: 'durable-lab-labs',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0]!;
        const asset = path.match(/\/(labs\/[\w-]+\.json)$/)?.[1];
        if (!asset) return next();
        let text: string | undefined;
        try {
          text = labAssets(readLabs(labsDir)).get(asset);
        } catch (error) {
          res.statusCode = 500;
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.end((error as Error).message);
          return;
        }
        res.setHeader('Content-Type', text === undefined ? 'text/plain; charset=utf-8' : 'application/json');
        if (text === undefined) res.statusCode = 404;
        res.end(text ?? `${asset}: there is no such lab in labs/`);
      });
    },
    generateBundle() {
      let catalog: LabCatalog;
      try {
        catalog = readLabs(labsDir);
      } catch (error) {
        this.error((error as Error).message);
      }
      if (catalog.drafts.length > 0) this.warn(draftsNote(catalog.drafts));
      for (const [fileName, source] of labAssets(catalog)) this.emitFile({ type: 'asset', fileName, source });
    },
  };
}
