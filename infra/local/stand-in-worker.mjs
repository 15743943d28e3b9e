// The bootstrap of a stand-in's worker thread (stand-in-thread.ts): plain JavaScript, so that it loads
// wherever the platform runs — `npm start` (node --import tsx), vitest, a bench — and registers tsx in
// the thread before it imports the stand-in's TypeScript entry (workerData.entry, a file URL). The
// thread is given no --import tsx of its own (stand-in-thread.ts leaves it out of its execArgv).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
