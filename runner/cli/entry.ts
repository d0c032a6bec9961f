import { loadAddon } from '../core/native.js';
import { DIE_WITH_PARENT_ENV, dieWithParent, PARENT_PID_ENV } from '../core/ownership.js';
import { exitEarlyOnSignal } from '../engine/interrupt.js';

// a run started by another run (a forced-granularity child) ends with it: the signal it asked for
// (SIGTERM) stops it as Ctrl-C would, so its fixtures are torn down
const sig = process.env[DIE_WITH_PARENT_ENV];
if (sig) {
  delete process.env[DIE_WITH_PARENT_ENV];
  dieWithParent(loadAddon(), sig as NodeJS.Signals, Number(process.env[PARENT_PID_ENV] ?? process.ppid));
}

// a reader that goes away (pmem-conform run | head, a parent run killed) must not end the run before it
// tears its fixtures down: lines that cannot be written are dropped
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

// until the run has something to clean up, Ctrl-C just ends it (main is loaded after: that takes a while)
exitEarlyOnSignal();
// no top-level await: the guest runtime bundles this file as CommonJS (fixtures/guest-bundle.ts)
import('./main.js')
  .then(async ({ main }) => {
    process.exitCode = await main(process.argv.slice(2));
  })
  .catch((e: Error) => {
    console.error(`pmem-conform: ${e.message}`);
    process.exit(3);
  });
