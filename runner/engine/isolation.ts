/**
 * Crash isolation: the library under test runs in a worker process, never
 * in the runner. The parent hands a worker a list of units (a clause's
 * case, or a property) and reads one message per step: a unit starts, a
 * case finished, a unit is done. When the worker dies in the middle of a
 * unit (a signal, exit() from inside the library, an abort) that unit gets
 * a `crash` case; when a unit runs past its timeout the worker is killed
 * and the unit gets a `timeout` case. Either way a new worker takes the
 * units that are left, so every planned unit reports.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildExports } from '../core/partial.js';
import { companionLibpmem2, type Implementation } from '../core/implementation.js';
import { PARENT_PID_ENV } from '../core/ownership.js';
import type { CaseResult } from '../core/model.js';
import type { Fixture } from '../../fixtures/fixture.js';

/** what a worker runs: a clause's case of a suite, or a property */
export type Unit = { type: 'clause'; suite: string; clauseId: string } | { type: 'property'; name: string };

/** the fixture as a worker sees it: set up by the parent, described by value */
export interface FixtureView {
  name: string;
  kind: string;
  directory: string;
  capabilities: ReturnType<Fixture['capabilities']>;
}

/** the worker's job: the units, in order, and what they need */
export interface Job {
  impl: Implementation;
  fixture: FixtureView;
  units: Unit[];
  grep?: string;
  seed: number;
  numRuns: number;
  replayPath?: string;
  commandPrefix: string;
  /** the suites' cases of this implementation and fixture so far (the properties set their divergences aside) */
  suiteCases: CaseResult[];
}

export type WorkerMessage =
  | { type: 'start'; index: number; what: string }
  | { type: 'case'; index: number; result: CaseResult }
  | { type: 'unit-done'; index: number }
  | { type: 'fatal'; message: string }
  | { type: 'loaded'; builds?: BuildExports[] }
  | { type: 'idle' };

export interface IsolationOptions {
  job: Omit<Job, 'units' | 'suiteCases'>;
  units: Unit[];
  /** the cases so far that the job's suiteCases are taken from */
  suiteCases: () => CaseResult[];
  /** what a unit's case says about itself, for the crash or timeout case the parent writes */
  describe: (unit: Unit) => Omit<CaseResult, 'verdict' | 'permitted' | 'durationMs'>;
  /** milliseconds a unit may run */
  timeoutMs: (unit: Unit) => number;
  emit: (c: CaseResult) => void;
  signal: AbortSignal;
}

/** set in the guest runtime's bundle (fixtures/guest-bundle.ts): the worker's own bundle, started with its code cache */
declare const PMEM_CONFORM_BUNDLED_WORKER: string | undefined;
const WORKER =
  typeof PMEM_CONFORM_BUNDLED_WORKER === 'string'
    ? PMEM_CONFORM_BUNDLED_WORKER
    : path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.js');

let started = 0;

/** workersStarted -- how many worker processes this process has forked so far (a run reports its share) */
export function workersStarted(): number {
  return started;
}

/** forkWorker -- a worker that knows its parent's pid, to die with it (worker.ts) */
function forkWorker(): ChildProcess {
  started++;
  return fork(WORKER, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    env: { ...process.env, [PARENT_PID_ENV]: String(process.pid) },
  });
}

/*
 * Workers kept between jobs. A node start costs 0.1 s on the host but
 * seconds in the emulated guest, and a run started one worker per
 * implementation, fixture and property. A worker that finished its job
 * whole (no crash, no timeout, no fatal error) waits, unreferenced, for the
 * next job of the same implementation: the same loaded build, the same
 * environment it started with. One that died is never reused; the engine
 * lets the kept ones go at the end of its run (releaseWorkers).
 */
const idle = new Map<string, ChildProcess[]>();
const parked = new Map<ChildProcess, () => void>();

/** fileId -- identifies a build file's contents cheaply (a rebuild in place makes another worker) */
function fileId(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    // a soname the dynamic linker finds (the system libpmem2): it does not change during a run
    return file;
  }
}

/** poolKey -- what a kept worker must share with a job: the build it loaded and the environment it read */
function poolKey(impl: Implementation): string {
  const h = createHash('sha256').update(JSON.stringify(impl)).update(fileId(impl.path));
  if (impl.name !== 'libpmem2') h.update(fileId(companionLibpmem2(impl)));
  return h.update(JSON.stringify(process.env)).digest('hex');
}

/** park -- keeps an idle worker for the next job of `key`, without holding the runner's event loop */
function park(key: string, child: ChildProcess): void {
  const list = idle.get(key) ?? [];
  idle.set(key, list);
  list.push(child);
  const drop = () => {
    const i = list.indexOf(child);
    if (i >= 0) list.splice(i, 1);
    parked.delete(child);
  };
  const relay = (d: Buffer) => process.stderr.write(d);
  child.once('exit', drop);
  child.stderr?.on('data', relay);
  parked.set(child, () => {
    child.off('exit', drop);
    child.stderr?.off('data', relay);
  });
  child.unref();
  child.channel?.unref();
  (child.stderr as Socket | null)?.unref();
}

/** take -- a kept worker of `key` that is still alive, or undefined */
function take(key: string): ChildProcess | undefined {
  const list = idle.get(key);
  while (list && list.length > 0) {
    const child = list.shift()!;
    parked.get(child)?.();
    parked.delete(child);
    if (child.exitCode !== null || child.signalCode !== null || !child.connected) continue;
    child.ref();
    child.channel?.ref();
    (child.stderr as Socket | null)?.ref();
    return child;
  }
  return undefined;
}

/** releaseWorkers -- lets every kept worker go (closing its channel ends it: worker.ts) */
export function releaseWorkers(): void {
  for (const list of idle.values())
    for (const child of list.splice(0)) {
      parked.get(child)?.();
      parked.delete(child);
      if (child.connected) child.disconnect();
    }
  idle.clear();
}

/** how a worker ended, and what it was doing then */
interface WorkerEnd {
  /** index of the first unit not done */
  next: number;
  /** the unit that was running when the worker ended (undefined: between units) */
  running?: { index: number; what: string; startedAt: number };
  timedOut: boolean;
  exit: string;
  fatal?: string;
  stderr: string;
}

/** runIsolated -- runs every unit in workers, one after another, replacing each worker that dies */
export async function runIsolated(o: IsolationOptions): Promise<void> {
  let next = 0;
  let emptyDeaths = 0;
  while (next < o.units.length) {
    if (o.signal.aborted) return;
    const end = await runWorker(o, next);
    // stopped: the unit in flight was abandoned, not crashed; it is simply not reported
    if (o.signal.aborted) return;
    if (end.next >= o.units.length) return;
    if (end.fatal !== undefined || end.running === undefined) {
      // the worker could not even start a unit: twice in a row means it never will
      if (end.fatal !== undefined || ++emptyDeaths >= 2) {
        for (const u of o.units.slice(end.next))
          o.emit(failed(o, u, 'error', `the worker could not run: ${end.fatal ?? `${end.exit}; ${lastLine(end.stderr)}`}`, 0));
        return;
      }
      next = end.next;
      continue;
    }
    emptyDeaths = 0;
    const unit = o.units[end.running.index]!;
    const ms = Date.now() - end.running.startedAt;
    const tail = lastLine(end.stderr);
    if (end.timedOut) {
      o.emit(
        failed(
          o,
          unit,
          'timeout',
          `no answer within ${Math.round(o.timeoutMs(unit) / 1000)} s: the worker was killed while ${end.running.what}`,
          ms,
        ),
      );
    } else {
      o.emit(
        failed(
          o,
          unit,
          'crash',
          `the library ended the process (${end.exit}) while ${end.running.what}${tail ? `; last words: ${tail}` : ''}`,
          ms,
        ),
      );
    }
    next = end.running.index + 1;
  }
}

function failed(o: IsolationOptions, unit: Unit, verdict: 'crash' | 'timeout' | 'error', reason: string, ms: number): CaseResult {
  return { ...o.describe(unit), verdict, permitted: [], reason, durationMs: ms };
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).slice(-1)[0]?.slice(0, 300) ?? '';
}

/** how long after a worker's exit its pipes may stay open before the runner lets them go */
const EXIT_GRACE_MS = 3000;

/** one worker over units[from..]; resolves when it ends, however it ends */
function runWorker(o: IsolationOptions, from: number): Promise<WorkerEnd> {
  return new Promise((resolve) => {
    const key = poolKey(o.job.impl);
    const child = take(key) ?? forkWorker();
    const end: WorkerEnd = { next: from, timedOut: false, exit: '', stderr: '' };
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill('SIGKILL');
    const onAbort = () => kill();
    o.signal.addEventListener('abort', onAbort, { once: true });
    const onStderr = (d: Buffer) => {
      end.stderr = (end.stderr + d.toString('utf8')).slice(-8000);
      process.stderr.write(d);
    };
    child.stderr?.on('data', onStderr);
    const onMessage = (m: WorkerMessage) => {
      if (m.type === 'idle') {
        // the job is over and every message of it read: a whole job leaves a worker worth keeping
        if (end.fatal !== undefined || end.next < o.units.length || o.signal.aborted) {
          kill();
          return;
        }
        child.stderr?.off('data', onStderr);
        child.off('message', onMessage);
        child.off('close', settle);
        child.off('exit', onExit);
        park(key, child);
        settle(null, null, 'idle');
        return;
      }
      if (m.type === 'start') {
        end.running = { index: m.index, what: m.what, startedAt: Date.now() };
        clearTimeout(timer);
        timer = setTimeout(() => {
          end.timedOut = true;
          kill();
        }, o.timeoutMs(o.units[m.index]!));
      } else if (m.type === 'case') o.emit(m.result);
      else if (m.type === 'unit-done') {
        clearTimeout(timer);
        end.running = undefined;
        end.next = m.index + 1;
      } else if (m.type === 'fatal') end.fatal = m.message;
    };
    child.on('message', onMessage);
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const settle = (code: number | null, sig: NodeJS.Signals | null, how?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      o.signal.removeEventListener('abort', onAbort);
      end.exit = how ?? (sig ? `signal ${sig}` : `exit status ${code}`);
      resolve(end);
    };
    // 'close', not 'exit': by then every message the worker sent has been read
    child.on('close', settle);
    // but a process the library forked inherits the worker's pipes, and one that lives on (hung, or
    // sleeping) would hold 'close' back for good: a short while after the worker is gone, its pipes
    // are let go, whatever still holds their other ends
    const onExit = (code: number | null, sig: NodeJS.Signals | null) => {
      grace = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        if (child.connected) child.disconnect();
        settle(code, sig);
      }, EXIT_GRACE_MS);
    };
    child.on('exit', onExit);
    const job: Job = { ...o.job, units: o.units.slice(from), suiteCases: o.suiteCases() };
    // indices in the worker's messages are of o.units: the worker is told where its list starts
    child.send({ job, offset: from });
  });
}

/**
 * probeBuild -- loads a build in a worker, never in the runner, and says
 * why it cannot be used (undefined when it loads): a path that is no
 * shared object, or one that exports none of the functions the binding
 * needs; and what the build (and the libpmem2 it runs with) lacks
 */
export function probeBuild(impl: Implementation): Promise<{ why?: string; builds: BuildExports[] }> {
  return new Promise((resolve) => {
    const key = poolKey(impl);
    const child = take(key) ?? forkWorker();
    let answer: string | undefined = 'the worker ended before it loaded the build';
    let builds: BuildExports[] = [];
    let stderr = '';
    const onStderr = (d: Buffer) => {
      stderr += d.toString('utf8');
    };
    child.stderr?.on('data', onStderr);
    const onClose = (code: number | null, sig: NodeJS.Signals | null) => {
      if (answer === 'the worker ended before it loaded the build')
        answer += ` (${sig ? `signal ${sig}` : `exit status ${code}`}${stderr.trim() ? `: ${lastLine(stderr)}` : ''})`;
      resolve(answer === undefined ? { builds } : { why: answer, builds });
    };
    const onMessage = (m: WorkerMessage) => {
      if (m.type === 'loaded') {
        answer = undefined;
        builds = m.builds ?? [];
      } else if (m.type === 'fatal') answer = m.message;
      else if (m.type === 'idle') {
        // a build that loaded leaves the worker ready for the implementation's first job
        if (answer !== undefined) {
          // (the worker goes by itself after a fatal error; this is for one that did not say why)
          child.kill('SIGKILL');
          return;
        }
        child.stderr?.off('data', onStderr);
        child.off('message', onMessage);
        child.off('close', onClose);
        park(key, child);
        resolve({ builds });
      }
    };
    child.on('message', onMessage);
    child.on('close', onClose);
    child.send({ probe: impl });
  });
}

/** probeImplementation -- probeBuild's verdict alone: why the build cannot be used, undefined when it loads */
export async function probeImplementation(impl: Implementation): Promise<string | undefined> {
  return (await probeBuild(impl)).why;
}
