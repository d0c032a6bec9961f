#!/usr/bin/env node
// Repeatability check: runs `.ci/run` N times on one fresh clone of HEAD (in
// a directory whose name differs from this checkout's, with shared/ beside
// it as CI has it) and reports every test whose verdict changed between
// runs, every change in the passed/failed/skipped counts, the AddressSanitizer
// step's outcome per run, and every conformance case (tmpfs, --seed 1) whose
// verdict or observed code changed. Exits 0 only when all N runs are green
// and identical.
//
//   node scripts/repeatability.mjs [-n N] [--keep]
//
// Only committed work is checked: the clone is of HEAD.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let runs = 5;
let keep = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '-n' && /^\d+$/.test(args[i + 1] ?? '') && Number(args[i + 1]) >= 2) runs = Number(args[++i]);
  else if (args[i] === '--keep') keep = true;
  else {
    console.error(`repeatability: unknown or malformed argument '${args[i]}' (usage: node scripts/repeatability.mjs [-n N>=2] [--keep])`);
    process.exit(2);
  }
}
const shared = path.resolve(root, '..', 'shared');
if (!fs.existsSync(shared)) {
  console.error(`repeatability: no shared/ beside the checkout (${shared}); CI has one there`);
  process.exit(2);
}
const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).stdout.trim();
if (dirty) console.log('repeatability: note: uncommitted changes are not in the clone (it is of HEAD)');

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-repeat-'));
const clone = path.join(base, 'fresh-clone');
const git = spawnSync('git', ['clone', '--quiet', root, clone], { encoding: 'utf8' });
if (git.status !== 0) {
  console.error(`repeatability: git clone failed: ${git.stderr.trim()}`);
  process.exit(2);
}
fs.symlinkSync(shared, path.join(base, 'shared'));
const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: clone, encoding: 'utf8' }).stdout.trim();
console.log(`repeatability: ${runs} runs of .ci/run on ${clone} (commit ${head})`);

/** runs a command with its output to a file; resolves to the exit status */
function runTo(logFile, cmd, argv, opts) {
  return new Promise((resolve) => {
    const out = fs.openSync(logFile, 'w');
    const child = spawn(cmd, argv, { ...opts, stdio: ['ignore', out, out] });
    child.on('close', (code, sig) => {
      fs.closeSync(out);
      resolve(sig ? 128 + (os.constants.signals[sig] ?? 0) : code);
    });
  });
}

const results = [];
for (let i = 1; i <= runs; i++) {
  const log = path.join(base, `ci-run-${i}.log`);
  const tests = path.join(base, `tests-${i}.tsv`);
  const t0 = Date.now();
  const status = await runTo(log, 'bash', ['.ci/run'], { cwd: clone, env: { ...process.env, CI: 'true', PMEM_CONFORM_TEST_LOG: tests } });
  const seconds = (Date.now() - t0) / 1000;
  const text = fs.readFileSync(log, 'utf8');
  const counts = [...text.matchAll(/^(\d+) passed, (\d+) failed, (\d+) skipped$/gm)].pop();
  const asan =
    text
      .split('\n')
      .filter((l) => l.startsWith('asan: '))
      .pop() ?? '(no asan line)';
  const seeds = [...new Set([...text.matchAll(/(?:--seed |\bseed[ =])(\d+)/g)].map((m) => m[1]))].sort((a, b) => a - b);
  const perTest = new Map();
  if (fs.existsSync(tests)) {
    for (const line of fs.readFileSync(tests, 'utf8').split('\n')) {
      const [st, name] = line.split('\t');
      if (!name) continue;
      // a name seen twice in one run (same title in two files) keeps every status
      perTest.set(name, perTest.has(name) ? `${perTest.get(name)}+${st}` : st);
    }
  }
  // the conformance verdicts themselves, on the default fixture with a pinned seed
  const conf = path.join(base, `conformance-${i}`);
  await runTo(
    path.join(base, `conformance-${i}.log`),
    process.execPath,
    ['runner/bin.cjs', 'run', '--fixture', 'tmpfs', '--seed', '1', '--quiet', '--out', conf],
    { cwd: clone },
  );
  const cases = new Map();
  try {
    for (const c of JSON.parse(fs.readFileSync(path.join(conf, 'results.json'), 'utf8')).cases)
      cases.set(c.id, `${c.verdict} ${c.observed?.name ?? ''}`.trim());
  } catch {
    /* a missing report shows as every case changed */
  }
  const r = { i, status, seconds, counts: counts ? counts.slice(1, 4).join('/') : '(no count line)', asan, seeds, perTest, cases, log };
  results.push(r);
  console.log(
    `run ${i}: exit ${status}, ${seconds.toFixed(0)} s, passed/failed/skipped ${r.counts}; ${asan}; conformance cases ${cases.size}; seeds in the log: ${seeds.join(', ') || 'none'}`,
  );
}

function changes(key) {
  const names = new Set(results.flatMap((r) => [...r[key].keys()]));
  const out = [];
  for (const n of [...names].sort()) {
    const seen = results.map((r) => r[key].get(n) ?? 'absent');
    if (new Set(seen).size > 1) out.push(`  ${n}: ${seen.map((s, j) => `run ${j + 1} ${s}`).join(', ')}`);
  }
  return out;
}
const testChanges = changes('perTest');
const caseChanges = changes('cases');
const countSet = new Set(results.map((r) => r.counts));
const red = results.filter((r) => r.status !== 0);

console.log('\nrepeatability report');
console.log(
  `  runs: ${runs}; green: ${runs - red.length}; counts ${countSet.size === 1 ? `identical (${[...countSet][0]})` : `differ (${results.map((r) => r.counts).join(' | ')})`}`,
);
console.log(`  tests whose verdict changed between runs: ${testChanges.length}`);
for (const l of testChanges) console.log(l);
console.log(`  conformance cases (tmpfs, --seed 1) whose verdict or code changed: ${caseChanges.length}`);
for (const l of caseChanges) console.log(l);
for (const r of red) console.log(`  run ${r.i} failed (exit ${r.status}): see ${r.log}`);
const ok = red.length === 0 && countSet.size === 1 && testChanges.length === 0 && caseChanges.length === 0;
console.log(ok ? 'repeatability: all runs green and identical' : 'repeatability: runs differ');
if (!keep && ok) fs.rmSync(base, { recursive: true, force: true });
else console.log(`repeatability: logs kept in ${base}`);
process.exit(ok ? 0 : 1);
