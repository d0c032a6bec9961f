/**
 * Ownership markers: every directory the harness creates (fixture bases,
 * helper mounts' parents, a forced child's output, a fsdax work directory)
 * carries a marker file naming the process that made it — pid, the
 * process's start time from /proc/PID/stat (so a recycled pid is not taken
 * for the owner), the boot and the pid namespace. A later run removes a
 * leftover only when its marker proves the owner is gone; a directory
 * without a marker, or one whose owner lives in another pid namespace, is
 * never removed (it may be a user's, or a live run we cannot see).
 */
import fs from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';

const osSignals = constants.signals;

/** the marker file inside every directory the harness creates */
export const OWNER_MARKER = '.pmem-conform-owner';
/**
 * set by a parent on a child it starts: the signal (e.g. SIGTERM) the child
 * asks the kernel for when the parent dies, and beside it the parent's pid
 */
export const DIE_WITH_PARENT_ENV = 'PMEM_CONFORM_DIE_WITH_PARENT';
export const PARENT_PID_ENV = 'PMEM_CONFORM_PARENT_PID';

/** the environment variable whose value every marker records (the soak finds its runs' leftovers by it) */
export const RUN_TAG_ENV = 'PMEM_CONFORM_RUN_TAG';

export interface Owner {
  pid: number;
  /** field 22 of /proc/PID/stat: clock ticks after boot when the process started */
  start: string;
  /** /proc/sys/kernel/random/boot_id: a marker from another boot names no live process */
  boot: string;
  /** the pid namespace (readlink /proc/self/ns/pid): a pid means nothing in another one */
  pidns: string;
  uid: number;
  created: string;
  what: string;
  tag?: string;
}

/** procStartTime -- the start time of a process (field 22 of /proc/PID/stat), undefined when it does not exist */
export function procStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}

function readTrim(p: string): string {
  try {
    return fs.readFileSync(p, 'utf8').trim();
  } catch {
    return '';
  }
}

function pidns(): string {
  try {
    return fs.readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

/** self -- this process as an owner */
export function self(what: string): Owner {
  const tag = process.env[RUN_TAG_ENV];
  return {
    pid: process.pid,
    start: procStartTime(process.pid) ?? '',
    boot: readTrim('/proc/sys/kernel/random/boot_id'),
    pidns: pidns(),
    uid: process.getuid?.() ?? -1,
    created: new Date().toISOString(),
    what,
    ...(tag ? { tag } : {}),
  };
}

/** ownedDir -- mkdtemp(parent/prefix<pid>-XXXXXX) with this process's marker written inside before anything else */
export function ownedDir(parent: string, prefix: string, what: string): string {
  const dir = fs.mkdtempSync(path.join(parent, `${prefix}${process.pid}-`));
  fs.writeFileSync(path.join(dir, OWNER_MARKER), `${JSON.stringify(self(what))}\n`, { mode: 0o600 });
  return dir;
}

/** readOwner -- the marker of a directory, undefined when it has none (or not one of ours) */
export function readOwner(dir: string): Owner | undefined {
  try {
    const st = fs.lstatSync(path.join(dir, OWNER_MARKER));
    // a marker someone else could have written proves nothing
    if (!st.isFile() || st.uid !== (process.getuid?.() ?? st.uid)) return undefined;
    const o = JSON.parse(fs.readFileSync(path.join(dir, OWNER_MARKER), 'utf8')) as Owner;
    if (!Number.isInteger(o.pid) || typeof o.start !== 'string' || typeof o.boot !== 'string') return undefined;
    return o;
  } catch {
    return undefined;
  }
}

export type OwnerState = 'alive' | 'dead' | 'unknown';

/**
 * ownerState -- whether the owner a marker names still runs: 'dead' only
 * when that is certain (another boot, or in our pid namespace no process
 * with that pid and start time); 'unknown' when the marker comes from
 * another pid namespace
 */
export function ownerState(o: Owner): OwnerState {
  const boot = readTrim('/proc/sys/kernel/random/boot_id');
  if (boot && o.boot && boot !== o.boot) return 'dead';
  if (o.pidns !== pidns()) return 'unknown';
  const start = procStartTime(o.pid);
  if (start === undefined) return 'dead';
  return start === o.start ? 'alive' : 'dead';
}

/** pidAndStartAlive -- a process with this pid and start time runs (in our pid namespace) */
export function pidAndStartAlive(pid: number, start: string): boolean {
  return procStartTime(pid) === start;
}

/** describeOwner -- "pid 123 (started 07:40:01 ...)" for messages */
export function describeOwner(o: Pick<Owner, 'pid' | 'created'> & { command?: string }): string {
  return `pid ${o.pid}, started ${o.created}${o.command ? `: ${o.command}` : ''}`;
}

/**
 * dieWithParent -- asks the kernel to send `sig` when the parent dies
 * (PR_SET_PDEATHSIG through the addon), so no child outlives a runner killed
 * with SIGKILL; a parent already gone raises it at once
 */
export function dieWithParent(
  addon: { setParentDeathSignal(sig: number, parent: number): { errno: number } },
  sig: NodeJS.Signals,
  parent: number,
): void {
  const r = addon.setParentDeathSignal(osSignals[sig], parent);
  if (r.errno !== 0) throw new Error(`prctl(PR_SET_PDEATHSIG): errno ${r.errno}`);
}
