// Evaluated before server-worker.ts (see stubbed-server-worker.ts).
const scope = self as unknown as { name: string; addEventListener: typeof addEventListener };

if (scope.name === 'no-indexeddb') {
  Object.defineProperty(self, 'indexedDB', { value: undefined, configurable: true });
}

if (scope.name === 'quota') {
  let failing = false;
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if (failing) throw new DOMException('The quota has been exceeded (test stub).', 'QuotaExceededError');
    return put.apply(this, args);
  };
  scope.addEventListener('message', (event: Event) => {
    const data = (event as MessageEvent).data as { type?: string; on?: boolean; id?: number };
    if (data?.type !== 'test:quota') return;
    event.stopImmediatePropagation();
    failing = data.on === true;
    self.postMessage({ type: 'test:quota-ack', on: failing });
  });
}
