#!/usr/bin/env node
// `npm test`: the harness's own tests (node's test runner over the compiled
// TypeScript), then the browser tests of the HTML report. Ends with one line
// "N passed, N failed, N skipped" over both, and exits non-zero on any failure.
// With PMEM_CONFORM_TEST_LOG=FILE it also writes one line per test,
// "<status>\t<name>", for scripts/repeatability.mjs to compare runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const perTest = [];
let ok = true;

// 0. the formatter and linter (Biome for TypeScript, clang-format for C): each a test that passes or fails
for (const [name, cmd, args] of [
  ['format and lint: biome check', path.join(root, 'node_modules/.bin/biome'), ['check', '--error-on-warnings', '--max-diagnostics=50']],
  ['format: clang-format (native/)', 'bash', [path.join(root, 'scripts/check-c-format.sh')]],
]) {
  if (name.includes('clang-format') && !fs.existsSync(path.join(root, 'scripts/check-c-format.sh'))) continue;
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  const passed = r.status === 0;
  if (!passed) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    ok = false;
  }
  console.log(`${passed ? 'ok' : 'FAIL'} ${name}`);
  totals[passed ? 'passed' : 'failed']++;
  perTest.push([passed ? 'passed' : 'failed', `lint: ${name}`]);
}

// 1. unit, binding and conformance tests: the test files node --test would
// find in dist/ (its default patterns), two files at a time; the emulated-guest
// files after the rest, two at a time with one vCPU per guest
// (PMEM_CONFORM_GUEST_CPUS=1): a TCG vCPU is a host thread that keeps a core
// busy, so two one-vCPU guests fill the two cores the machine kind has.
// The host files are CPU-bound (user + sys was 102% of the wall time one at a
// time), so two at a time fill the two cores: 285 s one at a time, 178 s two
// at a time on the same machine, every test passing either way. node --test
// starts files in the order given, so the longest ones go first and the
// short ones fill the other core around them (the install test alone is a
// third of the phase). PMEM_CONFORM_TEST_CONCURRENCY=1 and
// PMEM_CONFORM_GUEST_TEST_CONCURRENCY=1 run them one at a time again (the
// guests then with their default two vCPUs).
// A file's tests run one after another. The NVDIMM guest's full-suite test (280 s in CI) has a
// file of its own, so it runs beside the other emulated modes and then the namespace job.
const GUEST_FILES = [
  'dist/fixtures/emulated-nvdimm.test.js',
  'dist/fixtures/emulated.test.js',
  'dist/fixtures/namespace.test.js',
  'dist/runner/engine/durability/durability.test.js',
];
const TEST_FILE = /(^|\/)(test|test-[^/]*|[^/]*[._-]test)\.[cm]?js$|\/test\/[^/]*\.[cm]?js$/;
function testFiles(dir) {
  const found = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') found.push(...testFiles(rel));
    } else if (TEST_FILE.test(rel)) found.push(rel);
  }
  return found.sort();
}
// the host files that take longest (seconds one at a time, in the order they start): install 96, repro 25,
// merge (two shards and their merge) 22, soak 10
const LONGEST = [
  'dist/runner/cli/install.test.js',
  'dist/runner/cli/repro.test.js',
  'dist/runner/cli/merge.test.js',
  'dist/runner/cli/soak.test.js',
];
const all = [...testFiles('dist'), 'scripts/gen-constants.test.cjs'];
const longestFirst = (files) => [...LONGEST.filter((f) => files.includes(f)), ...files.filter((f) => !LONGEST.includes(f))];
const concurrency = process.env.PMEM_CONFORM_TEST_CONCURRENCY ?? '2';
const guestConcurrency = process.env.PMEM_CONFORM_GUEST_TEST_CONCURRENCY ?? '2';
const phases = [
  { files: longestFirst(all.filter((f) => !GUEST_FILES.includes(f))), concurrency },
  { files: all.filter((f) => GUEST_FILES.includes(f)), concurrency: guestConcurrency, guest: true },
].filter((p) => p.files.length);
const nodeStart = Date.now();
let tapText = '';
let unitStatus = 0;
for (const [i, phase] of phases.entries()) {
  const tap = path.join(tmp, `node-${i}.tap`);
  const phaseStart = Date.now();
  const unit = spawnSync(
    process.execPath,
    [
      '--test',
      `--test-concurrency=${phase.concurrency}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...phase.files,
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env:
        phase.guest && guestConcurrency !== '1'
          ? { ...process.env, PMEM_CONFORM_GUEST_CPUS: process.env.PMEM_CONFORM_GUEST_CPUS ?? '1' }
          : process.env,
    },
  );
  if (unit.status !== 0) unitStatus = unit.status ?? 1;
  console.log(
    `node test phase ${i + 1} (${phase.guest ? 'guest files' : 'host files'}): ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`,
  );
  tapText += fs.existsSync(tap) ? `${fs.readFileSync(tap, 'utf8')}\n` : '';
}
const nodeSeconds = (Date.now() - nodeStart) / 1000;
const count = (k) => [...tapText.matchAll(new RegExp(`^# ${k} (\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
totals.passed += count('pass');
totals.failed += count('fail') + count('cancelled');
totals.skipped += count('skipped') + count('todo');
console.log(`node test phase: ${nodeSeconds.toFixed(1)} s (${count('tests')} tests in ${all.length} files)`);
// each test's own line (subtests are indented under their file's test)
const stack = [];
for (const line of tapText.split('\n')) {
  const m = /^(\s*)(ok|not ok) \d+ - (.*?)(?: # (SKIP|TODO)\b.*)?$/.exec(line);
  if (!m) continue;
  const depth = m[1].length / 4;
  stack.length = depth;
  stack[depth] = m[3];
  perTest.push([m[4] ? 'skipped' : m[2] === 'ok' ? 'passed' : 'failed', `node: ${stack.join(' > ')}`]);
}
if (unitStatus !== 0) ok = false;
if (count('tests') === 0) {
  console.error('npm test: node --test ran no test');
  ok = false;
}

// 2. our libpmemset's own C tests (the FULL-coalescing program among them)
const make = spawnSync('make', ['-s', '-C', path.join(root, 'native/libpmemset'), 'test'], { cwd: root, encoding: 'utf8' });
process.stdout.write(make.stdout ?? '');
process.stderr.write(make.stderr ?? '');
const cOk = (make.stdout.match(/^ok /gm) ?? []).length;
const cFail = (make.stdout.match(/^FAIL /gm) ?? []).length;
totals.passed += cOk;
for (const m of make.stdout.matchAll(/^(ok|FAIL) (.*)$/gm)) perTest.push([m[1] === 'ok' ? 'passed' : 'failed', `c: ${m[2]}`]);
totals.failed += cFail + (make.status !== 0 && cFail === 0 ? 1 : 0);
if (make.status !== 0) ok = false;

// 3. browser tests of the HTML report, in Debian's Chromium
const pwConfig = path.join(root, 'reports/browser/playwright.config.ts');
if (fs.existsSync(pwConfig)) {
  if (!fs.existsSync('/usr/bin/chromium') && process.env.PMEM_CONFORM_SKIP_BROWSER !== '1') {
    console.error('npm test: /usr/bin/chromium is missing (apt-get install chromium), or set PMEM_CONFORM_SKIP_BROWSER=1');
    ok = false;
    totals.failed++;
  } else if (process.env.PMEM_CONFORM_SKIP_BROWSER === '1') {
    console.log('browser tests skipped: PMEM_CONFORM_SKIP_BROWSER=1');
  } else {
    const jsonOut = path.join(tmp, 'playwright.json');
    const pw = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/@playwright/test/cli.js'), 'test', '-c', pwConfig, '--reporter=list,json'],
      {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: jsonOut },
      },
    );
    if (pw.status !== 0) ok = false;
    try {
      const report = JSON.parse(fs.readFileSync(jsonOut, 'utf8'));
      const stats = report.stats;
      const walk = (suite, trail) => {
        for (const s of suite.suites ?? []) walk(s, [...trail, s.title]);
        for (const spec of suite.specs ?? []) {
          for (const t of spec.tests ?? []) {
            const st = t.status === 'expected' || t.status === 'flaky' ? 'passed' : t.status === 'skipped' ? 'skipped' : 'failed';
            perTest.push([st, `browser: ${[...trail, spec.title, t.projectName].filter(Boolean).join(' > ')}`]);
          }
        }
      };
      for (const s of report.suites ?? []) walk(s, [s.title]);
      totals.passed += stats.expected + (stats.flaky ?? 0);
      totals.failed += stats.unexpected;
      totals.skipped += stats.skipped;
    } catch {
      console.error('npm test: the browser tests wrote no results');
      totals.failed++;
      ok = false;
    }
  }
}

fs.rmSync(tmp, { recursive: true, force: true });
if (process.env.PMEM_CONFORM_TEST_LOG)
  fs.writeFileSync(process.env.PMEM_CONFORM_TEST_LOG, perTest.map(([s, n]) => `${s}\t${n.replace(/[\t\n]/g, ' ')}\n`).join(''));
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
