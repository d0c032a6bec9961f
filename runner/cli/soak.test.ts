/**
 * The soak in small: a few runs stopped at seeded moments by kill -9,
 * SIGINT and SIGTERM (some sharing an --out), then the final runs, leave
 * nothing behind and no invalid results.json; and its checks can fail:
 * they find a planted leftover, a broken results.json, a killed writer's
 * temporary file.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { OWNER_MARKER, self } from '../core/ownership.js';
import { isRoot } from '../../fixtures/sys.js';
import { checkReports, findLeftovers, soak, soakFailed, treeHash } from './soak.js';

test('soak: 4 seeded runs stopped by kill -9, SIGINT or SIGTERM on tmpfs and loop-ext4 leave nothing, every results.json valid', async () => {
  const s = await soak({
    runs: 4,
    seed: 2026,
    fixtures: isRoot() ? ['tmpfs', 'loop-ext4'] : ['tmpfs'],
    maxDelayMs: 3000,
    kill9Only: false,
  });
  assert.deepEqual(s.leftovers, []);
  assert.deepEqual(s.invalidFiles, []);
  assert.deepEqual(s.problems, []);
  assert.equal(soakFailed(s), false);
  assert.ok(s.runs >= 4);
  assert.equal(s.kills + s.sigints + s.sigterms <= s.runs, true);
});

test("soak's checks fail on a planted leftover, a broken results.json, a temporary file and a changed user tree", () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-check-'));
  const planted = path.join(parent, 'pmem-conform-tmpfs-1-AAAAAA');
  fs.mkdirSync(planted);
  fs.writeFileSync(path.join(planted, OWNER_MARKER), JSON.stringify({ ...self('test'), tag: 'the-tag' }));
  assert.deepEqual(findLeftovers('the-tag', new Set(), [parent]), [`directory ${planted}`]);
  assert.deepEqual(findLeftovers('another-tag', new Set(), [parent]), []);
  assert.deepEqual(findLeftovers('another-tag', new Set([1]), [parent]), [`directory ${planted}`]);
  const out = path.join(parent, 'out');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'results.json'), '{"cases": [');
  fs.writeFileSync(path.join(out, '.results.json.pmem-conform-tmp-1.2-ab'), '');
  const r = checkReports(out);
  assert.equal(r.invalid.length, 1);
  assert.match(r.invalid[0]!, /results.json: /);
  assert.equal(r.temps.length, 1);
  const h = treeHash(out);
  fs.writeFileSync(path.join(out, 'results.json'), '{}');
  assert.notEqual(treeHash(out), h);
  fs.rmSync(parent, { recursive: true });
});
