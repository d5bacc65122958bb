// Test-only server worker: the real one (server-worker.ts), with IndexedDB
// tampered with first, as chosen by the Worker's name:
//   "no-indexeddb"  self.indexedDB is undefined (private mode, storage disabled)
//   "quota"         IDBObjectStore.put throws QuotaExceededError while the page
//                   has sent {type:"test:quota", on:true}
import './idb-stubs.ts';
import '../../../web/src/server/server-worker.ts';
