/**
 * The lock on a run's output directory: two runs writing the same
 * results.json would interleave or silently replace each other's results.
 * The lock file holds the owner's pid, its start time (from /proc/PID/stat,
 * so a recycled pid is no owner) and its command; it is created whole (written
 * aside, then hard-linked into place, which fails when a lock exists), and a
 * lock whose owner no longer runs is stale and taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Owner } from './ownership.js';
import { ownerState, self } from './ownership.js';

export const LOCK_FILE = '.pmem-conform.lock';

export interface LockInfo extends Owner {
  command: string;
}

/** thrown when a live run holds the lock; the message is the one line to print */
export class LockHeld extends Error {
  constructor(
    message: string,
    readonly holder: LockInfo,
  ) {
    super(message);
  }
}

export interface OutputLock {
  file: string;
  /** a stale lock that was taken over: whose it was */
  tookOver?: LockInfo;
  release(): void;
}

function readLock(file: string): LockInfo | undefined | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : 'unreadable';
  }
  try {
    const o = JSON.parse(text) as LockInfo;
    return Number.isInteger(o.pid) ? o : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * placeLock -- puts the lock in place whole, failing with EEXIST when one
 * exists: a hard link of the file written aside; on a filesystem without
 * hard links (a guest's 9p share) an exclusive create, written at once
 */
function placeLock(aside: string, file: string, text: string): void {
  try {
    fs.linkSync(aside, file);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || !['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'].includes(code ?? '')) throw e;
  }
  const fd = fs.openSync(file, 'wx', 0o644);
  try {
    fs.writeFileSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * lockOutput -- takes the lock on `dir` (created when missing) for this
 * process; throws LockHeld naming the live owner. A stale lock (its owner
 * gone) is replaced; the returned lock says whose it was.
 */
export function lockOutput(dir: string, command: string): OutputLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const mine: LockInfo = { ...self('output lock'), command };
  const text = `${JSON.stringify(mine)}\n`;
  // names that carry pid and start time, so a later run can remove them when a kill -9 left them
  const aside = `${file}.${process.pid}.${mine.start}`;
  fs.writeFileSync(aside, text, { mode: 0o644 });
  let tookOver: LockInfo | undefined;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        placeLock(aside, file, text);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const held = readLock(file);
      if (held === undefined) continue; // released in between: try again
      // an exclusive create (no hard links) is briefly empty: that is a live lock being written
      if (held === 'unreadable' && fs.statSync(file, { throwIfNoEntry: false })?.size === 0 && attempt < 3) continue;
      if (held !== 'unreadable' && ownerState(held) !== 'dead') {
        throw new LockHeld(
          `${dir} is in use by another run (pid ${held.pid}, started ${held.created}: ${held.command}); wait for it to finish or choose another --out`,
          held,
        );
      }
      if (attempt >= 3) throw new Error(`cannot take the lock ${file}: it keeps changing`);
      // stale: move it aside under a name of our own, so a concurrent run taking it over too cannot have
      // us remove the fresh lock it just made
      const stale = `${file}.stale.${process.pid}.${mine.start}`;
      try {
        fs.renameSync(file, stale);
      } catch {
        continue;
      }
      const moved = readLock(stale);
      if (moved !== 'unreadable' && moved !== undefined && ownerState(moved) !== 'dead') {
        // we moved a live lock someone took in between: put it back and report it held
        try {
          fs.linkSync(stale, file);
        } catch {
          /* a third run has it now */
        }
        fs.rmSync(stale, { force: true });
        throw new LockHeld(
          `${dir} is in use by another run (pid ${moved.pid}, started ${moved.created}: ${moved.command}); wait for it to finish or choose another --out`,
          moved,
        );
      }
      fs.rmSync(stale, { force: true });
      if (moved !== 'unreadable' && moved !== undefined) tookOver = moved;
    }
  } finally {
    fs.rmSync(aside, { force: true });
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    // only our own lock: never one a later run took after ours was judged stale
    const now = readLock(file);
    if (now !== undefined && now !== 'unreadable' && now.pid === mine.pid && now.start === mine.start) fs.rmSync(file, { force: true });
  };
  return { file, ...(tookOver ? { tookOver } : {}), release };
}
