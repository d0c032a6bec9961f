// node --test scripts/gen-constants.test.cjs
'use strict';
const assert = require('node:assert/strict');
const { test } = require('node:test');
const { parseHeader } = require('./gen-constants.cjs');

test('defines, unsigned shifts, expressions and enums', () => {
  const c = parseHeader(`
#define PMEM2_E_UNKNOWN (-100000)
#define PMEM2_PROT_WRITE (1U << 31)
#define PMEM2_F_A (1U << 0)
#define PMEM2_F_B (1U << 1)
#define PMEM2_F_ALL (PMEM2_F_A | \\
   PMEM2_F_B)
#define NOT_A_NUMBER "x"
enum pmem2_granularity {
    PMEM2_GRANULARITY_BYTE,
    PMEM2_GRANULARITY_CACHE_LINE,
    PMEM2_GRANULARITY_PAGE,
};`);
  assert.equal(c.PMEM2_E_UNKNOWN, -100000);
  assert.equal(c.PMEM2_PROT_WRITE, 2147483648);
  assert.equal(c.PMEM2_GRANULARITY_PAGE, 2);
  assert.equal(c.NOT_A_NUMBER, undefined);
});

test('a define naming another constant keeps its sign (no unsigned suffix in a name)', () => {
  const c = parseHeader(`#define PMEMSET_E_CANNOT_GROW_SOURCE_FILE (-200021)
#define PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE PMEMSET_E_CANNOT_GROW_SOURCE_FILE
#define X_FLAG (1UL << 31)`);
  assert.equal(c.PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE, -200021);
  assert.equal(c.X_FLAG, 2147483648);
});
