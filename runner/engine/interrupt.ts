/**
 * Stopping a run: the first SIGINT or SIGTERM aborts the run's signal (the
 * case in flight is abandoned and its worker killed, the campaigns return,
 * the engine tears the fixtures down and the reports of what finished are
 * written, marked interrupted); the run then exits 128 + the signal's
 * number (130, 143). A second signal, or a stop that does not finish within
 * the grace period, skips the reports: it runs the cleanup (fixtures, the
 * output lock) and exits at once.
 */
import { constants } from 'node:os';

/** what the run does when it must quit at once: tear the fixtures down, release the lock */
export interface InterruptOptions {
  /** the line the user sees (stderr: stdout's last line is the run's own) */
  say: (line: string) => void;
  cleanup: () => Promise<void> | void;
  /** milliseconds between the first signal and quitting at once when the run has not ended (default 20 s) */
  graceMs?: number;
  /** ends the process (tests replace it) */
  exit?: (code: number) => void;
}

const HANDLED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** exitCodeOf -- the shell's exit status for a death by `sig`: 128 + its number */
export function exitCodeOf(sig: NodeJS.Signals): number {
  return 128 + (constants.signals[sig] ?? 0);
}

/** the run's handler while one runs; before (and after) it, a signal just ends the process */
let active: Interrupts | undefined;
let dispatching = false;

/**
 * one set of listeners for the whole process: swapping listeners would
 * close node's signal handle and drop a signal that arrived during a long
 * synchronous stretch (the plan, a fixture's mkfs) and was not yet read
 */
function dispatch(): void {
  if (dispatching) return;
  dispatching = true;
  for (const sig of HANDLED)
    process.on(sig, () => {
      if (active) return active.handle(sig);
      process.stderr.write(`pmem-conform: ${sig} before the run started: nothing ran, nothing to report\n`);
      process.exit(exitCodeOf(sig));
    });
}

/**
 * exitEarlyOnSignal -- before a run has made anything (options, plan), a
 * signal just ends the process with the signal's status; Interrupts.install
 * takes the signals over
 */
export function exitEarlyOnSignal(): void {
  dispatch();
}

export class Interrupts {
  private readonly controller = new AbortController();
  private quitting = false;
  private grace?: NodeJS.Timeout;
  /** the first signal received */
  received?: NodeJS.Signals;

  constructor(private readonly opts: InterruptOptions) {}

  /** the run's abort signal: aborted by the first SIGINT/SIGTERM, with the signal's name as reason */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  install(): void {
    dispatch();
    active = this;
  }

  uninstall(): void {
    if (active === this) active = undefined;
    clearTimeout(this.grace);
  }

  /** the exit status the run ends with, when a signal stopped it */
  exitCode(): number | undefined {
    return this.received ? exitCodeOf(this.received) : undefined;
  }

  /** handle -- what a signal does to the run (called by the process's one listener) */
  handle(sig: NodeJS.Signals): void {
    if (this.received === undefined) {
      this.received = sig;
      this.opts.say(
        `pmem-conform: ${sig}: stopping (the case in flight is abandoned); the reports of what finished are written. ${
          sig === 'SIGINT' ? 'Press Ctrl-C again' : `Send ${sig} again`
        } to quit at once.`,
      );
      this.controller.abort(sig);
      this.grace = setTimeout(() => void this.quit('the stop did not finish in time'), this.opts.graceMs ?? 20_000);
      this.grace.unref();
      return;
    }
    void this.quit(`second ${sig}`);
  }

  /** quit -- cleanup, then exit now with the first signal's status */
  private async quit(why: string): Promise<void> {
    if (this.quitting) return;
    this.quitting = true;
    this.opts.say(`pmem-conform: ${why}: quitting without writing the reports`);
    try {
      await this.opts.cleanup();
    } catch (e) {
      this.opts.say(`pmem-conform: cleanup: ${(e as Error).message}`);
    }
    (this.opts.exit ?? process.exit)(this.exitCode() ?? 130);
  }
}
