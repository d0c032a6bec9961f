/**
 * Our libpmemset keeps PMDK's numbers, so a program built against PMDK's
 * header runs against it: every value in the reference table must be what
 * our header defines (read from the generated constant table).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SHARED_DIR } from './paths.js';
import { codeName, codeOf, constantTables } from './constants.js';

const TABLE = path.join(SHARED_DIR, 'reference/libpmemset/error-codes.md');

test('libpmemset error codes have PMDK 1.12 values', (t) => {
  if (!fs.existsSync(TABLE)) {
    t.skip(`${TABLE} not found (shared/ is not beside the project)`);
    return;
  }
  const ours = constantTables().libpmemset?.constants ?? {};
  const rows = [...fs.readFileSync(TABLE, 'utf8').matchAll(/^\|\s*(PMEMSET_E_[A-Z0-9_]+)\s*\|\s*(-?\d+)\s*\|/gm)];
  assert.ok(rows.length >= 30, `only ${rows.length} rows parsed from ${TABLE}`);
  for (const [, name, value] of rows) assert.equal(ours[name!], Number(value), name);
});

test('events, part states, coalescing and source-file flags have PMDK values', () => {
  const c = constantTables().libpmemset?.constants ?? {};
  const events = [
    'COPY',
    'MOVE',
    'SET',
    'FLUSH',
    'DRAIN',
    'PERSIST',
    'REMOVE_RANGE',
    'PART_ADD',
    'PART_REMOVE',
    'SDS_UPDATE',
    'BADBLOCK',
    'BADBLOCKS_CLEARED',
  ];
  for (const [i, e] of events.entries()) assert.equal(c[`PMEMSET_EVENT_${e}`], i, e);
  for (const [i, s] of ['INDETERMINATE', 'OK', 'OK_BUT_ALREADY_OPEN', 'OK_BUT_INTERRUPTED', 'CORRUPTED'].entries())
    assert.equal(c[`PMEMSET_PART_STATE_${s}`], 1 << i, s);
  for (const [i, s] of ['NONE', 'OPPORTUNISTIC', 'FULL'].entries()) assert.equal(c[`PMEMSET_COALESCING_${s}`], i, s);
  for (const [i, s] of ['CREATE_ALWAYS', 'CREATE_IF_NEEDED', 'DO_NOT_GROW'].entries())
    assert.equal(c[`PMEMSET_SOURCE_FILE_${s}`], 1 << i, s);
});

test('codes get the header names, errnos their -ENAME, and back', () => {
  assert.equal(codeName(-100006), 'PMEM2_E_MAP_RANGE');
  assert.equal(codeName(-13), '-EACCES');
  assert.equal(codeName(0), '0');
  assert.equal(codeOf('-EACCES'), -13);
  assert.equal(codeOf('PMEMSET_E_CANNOT_FIT_PART_MAP'), -200023);
  assert.equal(codeOf('PMEM2_E_RESERVATION_NOT_EMPTY'), undefined);
});
