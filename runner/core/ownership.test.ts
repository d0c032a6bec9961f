/**
 * Ownership markers and the output lock: a marker names its live creator, a
 * dead one (its pid gone, or the pid reused by a process with another start
 * time) is told apart, and a marker from another pid namespace is never
 * judged dead. The lock refuses a second owner while the first lives.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LOCK_FILE, LockHeld, lockOutput } from './lock.js';
import { OWNER_MARKER, ownedDir, ownerState, procStartTime, readOwner, self } from './ownership.js';

/** a pid that no longer exists: a child that has ended */
function deadPid(): number {
  const r = spawnSync('true');
  return r.pid!;
}

test('procStartTime reads field 22 of /proc/PID/stat; a pid that does not exist has none', () => {
  const mine = procStartTime(process.pid);
  assert.match(mine ?? '', /^\d+$/);
  assert.equal(procStartTime(process.pid), mine);
  assert.equal(procStartTime(deadPid()), undefined);
});

test('ownedDir writes the marker of this process; the owner is alive, then dead once its pid is gone or reused', () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'own-test-'));
  const dir = ownedDir(parent, 'pmem-conform-x-', 'test');
  assert.ok(path.basename(dir).startsWith(`pmem-conform-x-${process.pid}-`));
  const o = readOwner(dir)!;
  assert.equal(o.pid, process.pid);
  assert.equal(ownerState(o), 'alive');
  assert.equal(ownerState({ ...o, pid: deadPid() }), 'dead');
  // the same pid with another start time: a recycled pid, not the owner
  assert.equal(ownerState({ ...o, start: `${o.start}1` }), 'dead');
  assert.equal(ownerState({ ...o, boot: 'another-boot' }), 'dead');
  // a pid from another pid namespace says nothing here: never dead
  assert.equal(ownerState({ ...o, pid: deadPid(), pidns: 'pid:[1]' }), 'unknown');
  // garbage is no marker
  fs.writeFileSync(path.join(dir, OWNER_MARKER), 'not json');
  assert.equal(readOwner(dir), undefined);
  fs.rmSync(parent, { recursive: true });
});

test('the output lock: a second taker is refused naming the first; a stale lock is taken over; release removes only its own', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-test-'));
  const a = lockOutput(dir, 'pmem-conform run A');
  assert.throws(
    () => lockOutput(dir, 'pmem-conform run B'),
    (e: unknown) => e instanceof LockHeld && new RegExp(`in use by another run \\(pid ${process.pid},.*run A`).test(e.message),
  );
  a.release();
  assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false);
  // a lock whose owner is gone
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ ...self('lock'), pid: deadPid(), command: 'old run' }));
  const b = lockOutput(dir, 'pmem-conform run B');
  assert.equal(b.tookOver?.command, 'old run');
  // another run took the directory after ours was judged stale: release leaves its lock alone
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ ...self('lock'), start: 'other', command: 'C' }));
  b.release();
  assert.ok(fs.existsSync(path.join(dir, LOCK_FILE)));
  assert.deepEqual(
    fs.readdirSync(dir).filter((e) => e !== LOCK_FILE),
    [],
    'no aside file left',
  );
  fs.rmSync(dir, { recursive: true });
});
