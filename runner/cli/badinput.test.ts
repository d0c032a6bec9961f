/**
 * Bad input is found before the first case and costs one line on stderr
 * and exit 2: malformed or meaningless replay paths, selections that select
 * nothing, a fixture named twice, negative numbers, output places that are
 * not storage or not writable. Usage goes to stdout when asked for, to
 * stderr after a mistake.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../core/paths.js';

const BIN = path.join(PROJECT_ROOT, 'runner/bin.cjs');

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'badinput-'));
const file = path.join(tmp, 'a-file');
fs.writeFileSync(file, 'x');

for (const [args, pattern] of [
  [['run', '--replay', 'garbage', '--seed', '1', '--property', 'pmem2_map_new/parameters'], /--replay 'garbage' is not a replay path/],
  [['run', '--grep', 'no clause says this zqx'], /--grep 'no clause says this zqx' selects no clause/],
  [['run', '--fixture', 'tmpfs', '--fixture', 'tmpfs'], /--fixture tmpfs is given twice/],
  [['run', '--runs', '-1'], /--runs must be between 1 and \d+, not -1/],
  [['run', '--seed', '-5'], /--seed must be between 0 and \d+, not -5/],
  [['run', '--case-timeout', 'soon'], /--case-timeout takes a whole number/],
  [['run', '--out', '/proc/self/x'], /--out \/proc\/self\/x: on a proc filesystem/],
  [['run', '--json', '/proc/self/x.json'], /--json \/proc\/self\/x.json: on a proc filesystem/],
  [['run', '--junit', '/sys/junit.xml'], /--junit \/sys\/junit.xml: on a sysfs filesystem/],
  [['run', '--out', file], /--out .*a-file: not a directory/],
  [['run', '--json', tmp], /--json .*: exists and is not a regular file/],
  [['run', '--fixture', `fsdax:${path.join(tmp, 'nonexistent')}`], /fixture fsdax:.*nonexistent: ENOENT/],
  [['run', '--fixture', `fsdax:${file}`], /is not a directory/],
] as const) {
  test(`bad input ${args.join(' ')}: one line before anything runs, exit 2`, () => {
    const r = cli([...args]);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^pmem-conform: /);
    assert.match(lines[0]!, pattern);
    assert.equal(r.stdout, '', 'nothing ran');
  });
}

test('a read-only --out is refused before the run (not discovered after it)', {
  skip: process.getuid?.() === 0 ? false : 'needs root (mount)',
}, () => {
  const ro = fs.mkdtempSync(path.join(os.tmpdir(), 'badinput-ro-'));
  spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'badinput', ro]);
  try {
    const r = cli(['run', '--out', path.join(ro, 'reports')]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr.trim(), /^pmem-conform: --out .*: cannot create the directory \(EROFS\)$/);
    const j = cli(['run', '--junit', path.join(ro, 'junit.xml'), '--out', path.join(tmp, 'out')]);
    assert.equal(j.status, 2, j.stderr);
    assert.match(j.stderr.trim(), /^pmem-conform: --junit .*junit.xml: cannot write there \(EROFS\)$/);
  } finally {
    spawnSync('umount', [ro]);
    fs.rmSync(ro, { recursive: true, force: true });
  }
});

test('usage: --help and run --help on stdout with exit 0; no command: usage on stderr, exit 2; --version', () => {
  for (const args of [['--help'], ['run', '--help']]) {
    const r = cli(args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^usage: pmem-conform run/);
    assert.equal(r.stderr, '');
  }
  const none = cli([]);
  assert.equal(none.status, 2);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /^usage: pmem-conform run/);
  const v = cli(['--version']);
  assert.equal(v.status, 0);
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(v.stdout.trim(), `pmem-conform ${pkg.version}`);
});

test('a fixture that fails after others ran: the finished results are written, the failure is a fixture-level error', () => {
  // not DAX: the forced child over fsdax:DIR refuses it only when it starts, after tmpfs ran
  const notDax = fs.mkdtempSync(path.join(os.tmpdir(), 'badinput-notdax-'));
  const out = path.join(tmp, 'fixture-error');
  const r = cli([
    'run',
    '--fixture',
    'tmpfs',
    '--fixture',
    `fsdax:${notDax}+force=PAGE`,
    '--impl',
    'libpmem2',
    '--suite',
    'pmem2_map_new',
    '--suites-only',
    '--quiet',
    '--out',
    out,
    '--junit',
    path.join(out, 'junit.xml'),
  ]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const result = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as {
    cases: { fixture: string }[];
    fixtureErrors?: { fixture: string; error: string }[];
  };
  assert.ok(result.cases.length > 0 && result.cases.every((c) => c.fixture === 'tmpfs'));
  assert.equal(result.fixtureErrors?.length, 1);
  assert.equal(result.fixtureErrors![0]!.fixture, `fsdax:${notDax}+force=PAGE`);
  assert.match(result.fixtureErrors![0]!.error, /not DAX/);
  assert.match(fs.readFileSync(path.join(out, 'junit.xml'), 'utf8'), /<error message="[^"]*not DAX/);
  assert.match(fs.readFileSync(path.join(out, 'index.html'), 'utf8'), /Fixture fsdax:.* failed/);
  fs.rmSync(notDax, { recursive: true });
});
