// Placeholder page: starts the server worker (engine.wasm behind a ServerHost)
// and shows the engine's version once it answers. The real app is another issue.
const status = document.getElementById('status')!;

const worker = new Worker(new URL('./server/server-worker.ts', import.meta.url), { type: 'module' });

function request<T>(message: { type: string; [k: string]: unknown }): Promise<T> {
  const id = Math.floor(Math.random() * 2 ** 31);
  return new Promise((resolve, reject) => {
    const onMessage = (event: MessageEvent<{ id: number; result?: T; error?: { code: string; message: string } }>) => {
      if (event.data.id !== id) return;
      worker.removeEventListener('message', onMessage);
      if (event.data.error) reject(new Error(`${event.data.error.code}: ${event.data.error.message}`));
      else resolve(event.data.result as T);
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ id, ...message });
  });
}

worker.addEventListener('error', (event) => {
  status.textContent = `engine failed to start: ${event.message || 'worker error'}`;
  status.className = 'failed';
});

request<{ version: string }>({ type: 'hello', engineUrl: new URL('./engine/engine.mjs', document.baseURI).href }).then(
  ({ version }) => {
    status.textContent = `engine ${version} ready`;
    status.className = 'ready';
  },
  (error: Error) => {
    status.textContent = `engine failed to start: ${error.message}`;
    status.className = 'failed';
  },
);
