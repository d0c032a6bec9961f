#!/usr/bin/env node
// `npm test`: the harness's own tests (node's test runner over the compiled
// TypeScript), then the browser tests of the HTML report. Ends with one line
// "N passed, N failed, N skipped" over both, and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

// 1. unit, binding and conformance tests
const tap = path.join(tmp, 'node.tap');
const unit = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, 'dist/', 'scripts/gen-constants.test.cjs'], { cwd: root, stdio: 'inherit' });
const tapText = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
const count = (k) => Number(tapText.match(new RegExp(`^# ${k} (\\d+)$`, 'm'))?.[1] ?? 0);
totals.passed += count('pass');
totals.failed += count('fail') + count('cancelled');
totals.skipped += count('skipped') + count('todo');
if (unit.status !== 0) ok = false;
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
    const pw = spawnSync(process.execPath, [path.join(root, 'node_modules/@playwright/test/cli.js'), 'test', '-c', pwConfig, '--reporter=list,json'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: jsonOut },
    });
    if (pw.status !== 0) ok = false;
    try {
      const stats = JSON.parse(fs.readFileSync(jsonOut, 'utf8')).stats;
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
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
