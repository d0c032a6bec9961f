import { loadAddon } from '../core/native.js';
import { DIE_WITH_PARENT_ENV, dieWithParent, PARENT_PID_ENV } from '../core/ownership.js';
import { main } from './main.js';

// a run started by another run (a forced-granularity child) ends with it: the signal it asked for
// (SIGTERM) stops it as Ctrl-C would, so its fixtures are torn down
const sig = process.env[DIE_WITH_PARENT_ENV];
if (sig) {
  delete process.env[DIE_WITH_PARENT_ENV];
  dieWithParent(loadAddon(), sig as NodeJS.Signals, Number(process.env[PARENT_PID_ENV] ?? process.ppid));
}

process.exitCode = await main(process.argv.slice(2));
