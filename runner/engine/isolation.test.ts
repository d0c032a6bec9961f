/**
 * Kept workers (isolation.ts): a run starts a worker per implementation,
 * not per fixture, and the probe's worker runs the first job; the count is
 * in the run's environment (nodeProcesses).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { RunResult } from '../core/model.js';
import { PROJECT_ROOT } from '../core/paths.js';

test('isolation: one worker serves the probe and both fixtures of an implementation (nodeProcesses 2: the CLI and it)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-iso-'));
  try {
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    const json = path.join(tmp, 'out.json');
    const r = spawnSync(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'runner', 'bin.cjs'),
        'run',
        '--fixture',
        `dir:${a}`,
        '--fixture',
        `dir:${b}`,
        '--impl',
        'libpmem2',
        '--suite',
        'pmem2_map_new',
        '--suites-only',
        '--seed',
        '1',
        '--quiet',
        '--json',
        json,
        '--out',
        path.join(tmp, 'r'),
      ],
      { encoding: 'utf8' },
    );
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    const out = JSON.parse(fs.readFileSync(json, 'utf8')) as RunResult;
    const fixtures = new Set(out.cases.map((c) => c.fixture));
    assert.equal(fixtures.size, 2, [...fixtures].join(', '));
    assert.deepEqual(
      out.cases.filter((c) => c.verdict === 'crash' || c.verdict === 'timeout' || c.verdict === 'error').map((c) => c.id),
      [],
    );
    assert.equal(out.environment.nodeProcesses, 2);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
