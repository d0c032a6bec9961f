/**
 * The proof of the reproducers: every divergence the shipped baseline
 * accepts (suites/baseline.json) is found again by a run here, and the C
 * program `pmem-conform repro` writes for it compiles against the library
 * the case ran on, makes the same calls, and prints the code of every call
 * the harness logged, ending with the code the harness observed.
 */
import assert from 'node:assert/strict';
import { execSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../core/paths.js';
import type { CaseResult, RunResult } from '../core/model.js';
import type { Baseline } from '../../reports/baseline.js';
import { generateRepro, reproFileName } from '../../reports/repro.js';

const BIN = path.join(PROJECT_ROOT, 'runner/bin.cjs');
const DEBUG_LIB = '/usr/lib/x86_64-linux-gnu/pmdk_dbg/libpmem2.so.1';
const root = process.getuid?.() === 0;

/** the skips that say a clause needs a guest's (or a lab's) pmem: their baseline entries are checked there */
const GUEST_ONLY = new Set(['fixture:devdax', 'fixture:nvdimm', 'fixture:fsdax', 'fixture:pmem']);

function cli(args: string[], cwd = PROJECT_ROOT) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd });
}

/** checkReproducer -- builds and runs the reproducer of `c`; returns why it does not reproduce, or undefined */
function checkReproducer(c: CaseResult, result: RunResult, dir: string): string | undefined {
  const file = reproFileName(c.id);
  const r = generateRepro(c, result, file);
  if (r.unsupported.length) return `calls left out: ${r.unsupported.join('; ')}`;
  fs.writeFileSync(path.join(dir, file), r.source);
  try {
    execSync(`${r.cc.replace('-Wall', '-Wall -Werror')}`, { cwd: dir, stdio: 'pipe' });
  } catch (e) {
    return `does not compile: ${String((e as { stderr?: Buffer }).stderr ?? e).slice(0, 800)}`;
  }
  const work = fs.mkdtempSync(path.join(dir, 'files-'));
  const run = spawnSync(path.join(dir, file.replace(/\.c$/, '')), [work], { encoding: 'utf8' });
  if (run.status !== 0) return `exit ${run.status}: ${run.stderr}`;
  const out = run.stdout.split('\n');
  for (const [i, rec] of (c.calls ?? []).entries()) {
    const code = (rec.ret as { code?: number } | undefined)?.code;
    if (code !== undefined && rec.fn !== 'fs.openSync') {
      const line = out.find((l) => new RegExp(`^#${i} \\S+ = `).test(l));
      if (line !== `#${i} ${line?.split(' ')[1]} = ${code}`) return `call #${i} ${rec.fn}: harness ${code}, reproducer '${line}'`;
    }
    if (rec.fn === 'errormsg') {
      const line = out.find((l) => l.startsWith(`#${i} errormsg = `));
      if (line !== `#${i} errormsg = ${rec.ret}`) return `errormsg #${i}: harness '${rec.ret}', reproducer '${line}'`;
    }
  }
  const last = out.filter((l) => l.startsWith('observed')).pop();
  if (c.calls?.some((x) => x.judged)) {
    if (last !== `observed ${c.observed!.code} ${c.observed!.name}`)
      return `observed line '${last}', harness ${c.observed!.code} ${c.observed!.name}`;
  } else if (!last?.startsWith('observed: ')) return `no closing line: ${run.stdout.slice(-300)}`;
  return undefined;
}

test('every divergence of the shipped baseline has a C reproducer that compiles and prints the observed code', {
  skip: !root && 'loop-ext4 needs root',
}, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-repro-'));
  const baseline = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'suites/baseline.json'), 'utf8')) as Baseline;
  // the release build on tmpfs and loop-ext4 (deep flush shows only where write-back does), and the debug build
  const runs: RunResult[] = [];
  for (const [name, extra] of [
    ['release', ['--fixture', 'tmpfs', '--fixture', 'loop-ext4', '--impl', 'libpmem2', '--seed', '1']],
    ['debug', ['--fixture', 'tmpfs', '--impl', `libpmem2=${DEBUG_LIB}`, '--suite', 'pmem2_errormsg', '--suites-only']],
  ] as const) {
    if (name === 'debug' && !fs.existsSync(DEBUG_LIB)) continue;
    const r = cli(['run', ...extra, '--quiet', '--out', path.join(dir, name)]);
    assert.ok(r.status === 0 || r.status === 1, r.stdout + r.stderr);
    runs.push(JSON.parse(fs.readFileSync(path.join(dir, name, 'results.json'), 'utf8')) as RunResult);
  }
  const failures: string[] = [];
  const guestOnly: string[] = [];
  let checked = 0;
  let properties = 0;
  for (const entry of baseline.entries) {
    const property = entry.clauseId.startsWith('property:');
    const found = runs.flatMap((result) =>
      result.cases
        .filter(
          (c) =>
            c.verdict === 'diverge' &&
            c.clauseId === entry.clauseId &&
            (entry.observedName === '*' || c.observed?.name === entry.observedName),
        )
        .map((c) => ({ c, result })),
    );
    if (property) properties += found.length;
    // a property's finding is what its seed reaches: one this seed does not reach is no failure (the gate calls it unexercised)
    if (found.length === 0 && !property) {
      // a finding only a guest's pmem shows (a device DAX on an nd region, an NVDIMM) is checked by the guest
      // tests; here every case of its clause must be a skip that names the fixture it needs
      const here = runs.flatMap((r) => r.cases.filter((c) => c.clauseId === entry.clauseId));
      if (here.length > 0 && here.every((c) => c.verdict === 'skip' && GUEST_ONLY.has(c.technique ?? ''))) {
        guestOnly.push(entry.clauseId);
        continue;
      }
      failures.push(`${entry.clauseId}: no run here diverged as the baseline says (${entry.observedName})`);
      continue;
    }
    for (const { c, result } of found) {
      const why = checkReproducer(c, result, dir);
      checked++;
      if (why) failures.push(`${c.id}: ${why}`);
    }
  }
  assert.deepEqual(failures, []);
  // today's guest-only findings: device DAX attributes libndctl parses unchecked, the realpath made once, the DIMMs' missing USC, an empty id's length check
  assert.ok(guestOnly.length <= 12, `guest-only entries: ${guestOnly.join(', ')}`);
  assert.ok(checked >= 28, `only ${checked} reproducers checked`);
  assert.ok(properties >= 4, `only ${properties} property findings checked`);

  // the check can fail: a reproducer held against a code the harness did not observe is refused
  const { c, result } = runs
    .flatMap((result) =>
      result.cases.filter((x) => x.verdict === 'diverge' && x.calls?.some((k) => k.judged)).map((x) => ({ c: x, result })),
    )
    .at(0)!;
  const lying = structuredClone(c);
  lying.observed!.code += 1;
  const judged = lying.calls!.find((k) => k.judged)!;
  (judged.ret as { code: number }).code += 1;
  assert.match(checkReproducer(lying, result, dir) ?? '', /harness/);

  // the command: writes the file and prints the cc line
  const cmd = cli(['repro', c.id, '--from', path.join(dir, 'release/results.json'), '--out', path.join(dir, 'cmd')]);
  assert.equal(cmd.status, 0, cmd.stderr);
  assert.match(cmd.stdout, /cc -std=c11 .*libpmem2\.so/);
  assert.ok(fs.existsSync(path.join(dir, 'cmd', reproFileName(c.id))));
  const bad = cli(['repro', 'no-such-case', '--from', path.join(dir, 'release/results.json')]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  fs.rmSync(dir, { recursive: true, force: true });
});
