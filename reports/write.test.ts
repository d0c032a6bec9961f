/**
 * Reports reach the disk whole: through a temporary file and a rename, as
 * one set per run. A reporter that fails while rendering leaves the
 * previous set as it was; a killed writer's temporary files are removed by
 * the next run, a live one's are not.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { RunResult } from '../runner/core/model.js';
import { procStartTime } from '../runner/core/ownership.js';
import { ReportSet, sweepStaleTemps, writeAtomic } from './write.js';

test('writeAtomic replaces the file whole and leaves no temporary file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'write-test-'));
  const f = path.join(dir, 'results.json');
  fs.writeFileSync(f, 'old');
  writeAtomic(f, 'new');
  assert.equal(fs.readFileSync(f, 'utf8'), 'new');
  assert.deepEqual(fs.readdirSync(dir), ['results.json']);
  fs.rmSync(dir, { recursive: true });
});

test('a ReportSet renames nothing when one of its reporters fails: the previous set stays whole', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'write-test-'));
  const a = path.join(dir, 'results.json');
  const b = path.join(dir, 'index.html');
  fs.writeFileSync(a, 'old a');
  fs.writeFileSync(b, 'old b');
  const failing = new ReportSet({
    end: () => {
      writeAtomic(a, 'new a');
      throw new Error('rendering the HTML failed');
    },
  });
  await assert.rejects(failing.end({} as RunResult), /rendering/);
  assert.equal(fs.readFileSync(a, 'utf8'), 'old a');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['index.html', 'results.json']);
  const ok = new ReportSet({
    end: () => {
      writeAtomic(a, 'new a');
      writeAtomic(b, 'new b');
    },
  });
  await ok.end({} as RunResult);
  assert.equal(fs.readFileSync(a, 'utf8'), 'new a');
  assert.equal(fs.readFileSync(b, 'utf8'), 'new b');
  fs.rmSync(dir, { recursive: true });
});

test("sweepStaleTemps removes a dead writer's temporary files and keeps a live one's", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'write-test-'));
  const dead = spawnSync('true').pid!;
  const stale = `.results.json.pmem-conform-tmp-${dead}.123-abc`;
  const live = `.results.json.pmem-conform-tmp-${process.pid}.${procStartTime(process.pid)}-abc`;
  const user = '.results.json.mine';
  for (const n of [stale, live, user]) fs.writeFileSync(path.join(dir, n), '');
  assert.deepEqual(sweepStaleTemps(dir), [path.join(dir, stale)]);
  assert.deepEqual(fs.readdirSync(dir).sort(), [live, user].sort());
  fs.rmSync(dir, { recursive: true });
});
