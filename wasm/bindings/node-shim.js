// Prepended (--extern-pre-js) to engine.mjs. Emscripten 3.1.6's ES module
// output still expects CommonJS's `require` and `__dirname` when it runs under
// Node; an ES module has neither, so give it both. Browsers and workers skip
// this block entirely.
var require, __dirname;
if (typeof process == 'object' && typeof process.versions == 'object' && typeof process.versions.node == 'string') {
  const { createRequire } = await import('node:module');
  require = createRequire(import.meta.url);
  __dirname = require('node:path').dirname(require('node:url').fileURLToPath(import.meta.url));
}
