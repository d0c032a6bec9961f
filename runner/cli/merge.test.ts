/**
 * Shards and merge end to end: two shards of a tmpfs + loop-ext4 run,
 * merged, equal the unsharded run case for case; reports of another
 * harness version or catalogue are refused in one line; runs of two hosts
 * keep the host as a dimension and list the cells that differ.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../core/paths.js';
import type { CaseResult, RunResult } from '../core/model.js';
import { inShard, parseShard, shardOf } from '../engine/shard.js';

const BIN = path.join(PROJECT_ROOT, 'runner/bin.cjs');
const root = process.getuid?.() === 0;

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT });
}

function read(file: string): RunResult {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RunResult;
}

/** what a case answered, without what varies from run to run (durations, addresses in reasons) */
function outcome(c: CaseResult): string {
  return JSON.stringify([c.verdict, c.observed?.name, c.observed?.code, c.permitted, c.kind, c.fixture, c.implementation]);
}

const RUN = ['run', '--fixture', 'tmpfs', '--fixture', 'loop-ext4', '--impl', 'libpmem2', '--seed', '1', '--runs', '50', '--quiet'];

test('shard slices: stable ids, every case in exactly one shard, bad i/n refused', () => {
  assert.deepEqual(parseShard('2/3'), { index: 2, total: 3 });
  for (const bad of ['0/2', '3/2', '1/0', 'x', '1/2/3', '-1/2']) assert.equal(typeof parseShard(bad), 'string', bad);
  // the slice of an id is fixed: a host with another plan order cuts the same slices
  assert.equal(
    shardOf('pmem2_map_new@man-1.12.1/pmem2_map_new/RETURN VALUE#1@tmpfs/libpmem2', 4),
    shardOf('pmem2_map_new@man-1.12.1/pmem2_map_new/RETURN VALUE#1@tmpfs/libpmem2', 4),
  );
  const ids = Array.from({ length: 200 }, (_, i) => `clause-${i}@tmpfs/libpmem2`);
  const counts = [1, 2, 3].map((i) => ids.filter((id) => inShard(id, { index: i, total: 3 })).length);
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    200,
  );
  assert.ok(
    counts.every((n) => n > 40),
    `uneven slices ${counts}`,
  );
  const r = cli(['run', '--shard', '3/2']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /--shard/);
});

test('two shards of a tmpfs + loop-ext4 run, merged, equal the unsharded run case for case', {
  skip: !root && 'loop-ext4 needs root',
}, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-merge-'));
  const whole = cli([...RUN, '--out', path.join(dir, 'whole')]);
  assert.equal(whole.status, 0, whole.stdout + whole.stderr);
  for (const i of [1, 2]) {
    const s = cli([...RUN, '--shard', `${i}/2`, '--out', path.join(dir, `s${i}`)]);
    assert.equal(s.status, 0, s.stdout + s.stderr);
    assert.deepEqual(read(path.join(dir, `s${i}`, 'results.json')).environment.shard, { index: i, total: 2 });
  }
  const s1 = read(path.join(dir, 's1/results.json'));
  const s2 = read(path.join(dir, 's2/results.json'));
  assert.ok(s1.cases.length > 50 && s2.cases.length > 50, `slices of ${s1.cases.length} and ${s2.cases.length}`);
  const m = cli([
    'merge',
    path.join(dir, 's1/results.json'),
    path.join(dir, 's2/results.json'),
    '--out',
    path.join(dir, 'merged'),
    '--junit',
    path.join(dir, 'merged/junit.xml'),
    '--baseline',
    path.join(PROJECT_ROOT, 'suites/baseline.json'),
  ]);
  assert.equal(m.status, 0, m.stdout + m.stderr);
  assert.ok(fs.existsSync(path.join(dir, 'merged/index.html')) && fs.existsSync(path.join(dir, 'merged/junit.xml')));
  const merged = read(path.join(dir, 'merged/results.json'));
  const expected = read(path.join(dir, 'whole/results.json'));
  const byId = (r: RunResult) => new Map(r.cases.map((c) => [c.id, outcome(c)]));
  assert.equal(merged.cases.length, expected.cases.length);
  assert.deepEqual(byId(merged), byId(expected));
  assert.ok(
    expected.cases.some((c) => c.kind === 'property' && c.verdict === 'diverge'),
    'the run has property findings, which depend on the suites of other shards',
  );
  assert.deepEqual(merged.coverage, expected.coverage);
  assert.equal(merged.hosts?.length, 1);
  assert.deepEqual(merged.hosts?.[0]?.shards, [1, 2]);
  // and the check can fail: a shard missing, or one answer changed, is seen
  const changed = structuredClone(s2);
  changed.cases[0]!.verdict = changed.cases[0]!.verdict === 'pass' ? 'diverge' : 'pass';
  fs.writeFileSync(path.join(dir, 'changed.json'), JSON.stringify(changed));
  const m2 = cli(['merge', path.join(dir, 's1/results.json'), path.join(dir, 'changed.json'), '--out', path.join(dir, 'm2'), '--quiet']);
  assert.notDeepEqual(byId(read(path.join(dir, 'm2/results.json'))), byId(expected), m2.stderr);

  // another harness version or catalogue: refused, one line naming the difference
  for (const [field, value, what] of [
    ['harness', '9.9.9', /harness version .*9\.9\.9/],
    ['catalogue', 'feedfacecafe', /catalogue .*feedfacecafe/],
  ] as const) {
    const other = structuredClone(s2);
    other.environment[field] = value;
    const f = path.join(dir, `other-${field}.json`);
    fs.writeFileSync(f, JSON.stringify(other));
    const r = cli(['merge', path.join(dir, 's1/results.json'), f, '--out', path.join(dir, 'refused')]);
    assert.equal(r.status, 2, r.stdout);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, what);
  }

  // two hosts: the host is a dimension, and a cell that differs is listed
  const otherHost = structuredClone(expected);
  otherHost.environment.hostname = 'lab-2';
  const flipped = otherHost.cases.find((c) => c.verdict === 'pass' && c.fixture === 'tmpfs')!;
  flipped.verdict = 'diverge';
  fs.writeFileSync(path.join(dir, 'lab2.json'), JSON.stringify(otherHost));
  const h = cli([
    'merge',
    `lab-1=${path.join(dir, 'whole/results.json')}`,
    path.join(dir, 'lab2.json'),
    '--out',
    path.join(dir, 'hosts'),
    '--quiet',
  ]);
  assert.equal(h.status, 0, h.stdout + h.stderr);
  const hm = read(path.join(dir, 'hosts/results.json'));
  assert.deepEqual(
    hm.hosts?.map((x) => x.label),
    ['lab-1', 'lab-2'],
  );
  assert.equal(hm.cases.length, 2 * expected.cases.length);
  assert.ok(hm.environment.fixtures.some((f) => f.name === 'loop-ext4 @ lab-2'));
  assert.deepEqual(
    hm.hostDifferences?.map((d) => [d.clauseId, d.fixture]),
    [[flipped.clauseId, 'tmpfs']],
  );
  assert.match(h.stdout, /clauses whose outcome differs between hosts: 1/);
  assert.match(fs.readFileSync(path.join(dir, 'hosts/index.html'), 'utf8'), /lab-2/);
  fs.rmSync(dir, { recursive: true, force: true });
});
