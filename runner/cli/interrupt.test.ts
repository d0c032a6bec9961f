/**
 * The runner under signals and a second run on the same --out: a run stuck
 * in a library call that never returns (a lying build) is stopped by SIGINT
 * or SIGTERM with the finished cases written and marked interrupted, its
 * worker killed, nothing mounted left; a second run on its --out is refused
 * with one line naming it. The moments are chosen by what the run printed,
 * never by a clock.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { RunResult } from '../core/model.js';
import { RUN_TAG_ENV } from '../core/ownership.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { buildLie, canBuildLies } from './lying.js';

const BIN = path.join(PROJECT_ROOT, 'runner/bin.cjs');
const skip = canBuildLies() ?? false;

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** resolves once stdout has a line reporting a finished case (--verbose prints one per case) */
  firstCase: () => Promise<void>;
  done: Promise<{ code: number | null; signal: string | null }>;
}

function start(args: string[], tag: string, env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env, [RUN_TAG_ENV]: tag } });
  let out = '';
  let err = '';
  const CASE = /^(PASS|DIVERGE|SKIP|ERROR)\b/m;
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (CASE.test(out)) for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    out: () => out,
    err: () => err,
    firstCase: () =>
      new Promise<void>((resolve, reject) => {
        if (CASE.test(out)) return resolve();
        waiters.push(resolve);
        void done.then(() => reject(new Error(`the run ended before a case finished: ${out}${err}`)));
      }),
    done,
  };
}

/** processes carrying the tag in their environment (the run and its workers) */
function tagged(tag: string): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (fs.readFileSync(`/proc/${e}/environ`, 'latin1').includes(`${RUN_TAG_ENV}=${tag}\0`)) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

async function gone(tag: string): Promise<number[]> {
  // the kernel reaps a killed worker soon after its parent's wait: poll, bounded
  for (let i = 0; i < 100 && tagged(tag).length; i++) await new Promise((r) => setTimeout(r, 50));
  return tagged(tag);
}

let hang: string | undefined;
function hangBuild(): string {
  // the first calls answer as the real library does, so cases finish and print before the hang
  hang ??= buildLie(
    'hang-later',
    'int pmem2_map_new(struct pmem2_map **m, const struct pmem2_config *c, const struct pmem2_source *s) { static int n; if (++n > 3) for (;;) pause(); return REAL(pmem2_map_new)(m, c, s); }\n',
  );
  return hang;
}

/** a run that prints a few cases, then hangs in its fourth pmem2_map_new for good (the case timeout is far away) */
function hangingRun(out: string, tag: string, extra: string[] = [], env: Record<string, string> = {}): Run {
  return start(
    [
      'run',
      '--fixture',
      'tmpfs',
      '--impl',
      `libpmem2=${hangBuild()}`,
      '--suite',
      'pmem2_map_new',
      '--suites-only',
      '--case-timeout',
      '3600',
      '--out',
      out,
      '--junit',
      path.join(out, 'junit.xml'),
      // a line per finished case: the test acts once one is out
      '--verbose',
      ...extra,
    ],
    tag,
    env,
  );
}

for (const [sig, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`${sig} stops a run hung in a library call: exit ${code}, the finished cases written and marked interrupted, no worker or mount left`, {
    skip,
  }, async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-int-'));
    const tag = `interrupt-test-${process.pid}-${sig}`;
    const r = hangingRun(out, tag);
    await r.firstCase();
    r.child.kill(sig);
    const end = await r.done;
    assert.equal(end.code, code, r.out() + r.err());
    const result = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
    assert.equal(result.interrupted, true);
    assert.equal(result.interruptedBy, sig);
    assert.ok(result.cases.length >= 1);
    // the case in flight was abandoned, not blamed on the library
    assert.deepEqual(
      result.cases.filter((c) => c.verdict === 'crash' || c.verdict === 'timeout'),
      [],
    );
    const lines = r.out().trim().split('\n');
    assert.match(lines[lines.length - 1]!, new RegExp(`^interrupted by ${sig}: ${result.cases.length} cases finished`));
    assert.match(fs.readFileSync(path.join(out, 'junit.xml'), 'utf8'), /name="interrupted"/);
    assert.match(fs.readFileSync(path.join(out, 'index.html'), 'utf8'), /id="interrupted"/);
    assert.deepEqual(await gone(tag), [], 'the worker hung in the library was killed');
    const base = result.environment.fixtures[0]!.directory!;
    assert.equal(fs.existsSync(base), false, `${base} removed`);
    assert.ok(!fs.readFileSync('/proc/self/mounts', 'utf8').includes(path.dirname(base)), 'nothing mounted left');
    // the lock is gone with the run: the next run may write here
    assert.equal(fs.existsSync(path.join(out, '.pmem-conform.lock')), false);
  });
}

test('a second run on the same --out is refused with one line naming the first; kill -9 of the first leaves a stale lock the next run takes over', {
  skip,
}, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-lock-'));
  const tag = `lock-test-${process.pid}`;
  // these runs keep their temporary files (the tmpfs fixture's mount point) in a directory of their own: every run
  // sweeps what dead runs left in its temporary directory, and a run of another test file that started between the
  // kill and the third run took the leftover first (seen once in CI under load)
  const tmp = path.join(out, 'tmp');
  fs.mkdirSync(tmp);
  const env = { TMPDIR: tmp };
  const first = hangingRun(out, tag, [], env);
  await first.firstCase();
  const second = start(
    ['run', '--fixture', 'tmpfs', '--impl', 'libpmem2', '--suite', 'pmem2_map_new', '--suites-only', '--out', out],
    `${tag}-2`,
    env,
  );
  const end2 = await second.done;
  assert.equal(end2.code, 2, second.out() + second.err());
  const lines = second.err().trim().split('\n');
  assert.equal(lines.length, 1, second.err());
  assert.match(lines[0]!, new RegExp(`^pmem-conform: .* is in use by another run \\(pid ${first.child.pid},`));
  first.child.kill('SIGKILL');
  await first.done;
  // the worker died with its parent (PR_SET_PDEATHSIG), though it never returns from the library
  assert.deepEqual(await gone(tag), []);
  assert.ok(fs.existsSync(path.join(out, '.pmem-conform.lock')), 'kill -9 left its lock');
  const third = start(
    [
      'run',
      '--fixture',
      'tmpfs',
      '--impl',
      'libpmem2',
      '--suite',
      'pmem2_map_new',
      '--grep',
      'GRANULARITY_NOT_SET',
      '--suites-only',
      '--out',
      out,
    ],
    `${tag}-3`,
    env,
  );
  const end3 = await third.done;
  assert.equal(end3.code, 0, third.out() + third.err());
  assert.match(third.out(), new RegExp(`took over the lock of a run that no longer exists \\(pid ${first.child.pid}`));
  // what the killed run left (its tmpfs mounts, its directory) was swept and named
  assert.match(third.out(), /removed a leftover of a killed run: (umount|rm -r) /);
  assert.deepEqual(fs.readdirSync(tmp), [], 'the killed run left nothing the third did not sweep');
  JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
});

test('a second SIGINT quits at once, still tearing the fixtures down', { skip }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-int2-'));
  const tag = `interrupt2-test-${process.pid}`;
  const r = hangingRun(out, tag);
  await r.firstCase();
  r.child.kill('SIGINT');
  r.child.kill('SIGINT');
  const end = await r.done;
  assert.equal(end.code, 130, r.out() + r.err());
  assert.deepEqual(await gone(tag), []);
  const mine = `pmem-conform-tmpfs-${r.child.pid}-`;
  assert.ok(!fs.readFileSync('/proc/self/mounts', 'utf8').includes(mine), 'no tmpfs of the run left mounted');
  assert.deepEqual(
    fs.readdirSync(os.tmpdir()).filter((e) => e.startsWith(mine)),
    [],
  );
});
