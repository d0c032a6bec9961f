import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clause } from './catalogue.js';
import { judge, platformSkip } from './verdict.js';

const obs = (name: string) => ({ code: -1, name, at: 'f()' });

test('an outcome the page permits passes; any other diverges and says both', () => {
  assert.equal(judge(obs('PMEM2_E_MAP_RANGE'), ['PMEM2_E_MAP_RANGE']).verdict, 'pass');
  const j = judge(obs('PMEM2_E_LENGTH_OUT_OF_RANGE'), ['PMEM2_E_ADDRESS_UNALIGNED']);
  assert.equal(j.verdict, 'diverge');
  assert.match(j.reason!, /permits PMEM2_E_ADDRESS_UNALIGNED.*returned PMEM2_E_LENGTH_OUT_OF_RANGE/);
});

test('where the page does not say which error wins, either passes', () => {
  assert.equal(judge(obs('-EACCES'), ['-EACCES', 'PMEM2_E_NO_ACCESS']).verdict, 'pass');
  assert.equal(judge(obs('PMEM2_E_NO_ACCESS'), ['-EACCES', 'PMEM2_E_NO_ACCESS']).verdict, 'pass');
});

test('a case that permits nothing is a harness error, never a pass', () => {
  assert.equal(judge(obs('0'), []).verdict, 'error');
});

test('platform qualifiers skip with the reason', () => {
  const c = { platform: 'windows' } as Clause;
  assert.equal(platformSkip(c, 'linux'), 'Windows only');
  assert.equal(platformSkip({ platform: 'linux' } as Clause, 'linux'), undefined);
  assert.equal(platformSkip({ platform: 'any' } as Clause, 'linux'), undefined);
});

test('a name the header defines as an alias of the observed code passes', () => {
  const o = { code: -200021, name: 'PMEMSET_E_CANNOT_GROW_SOURCE_FILE', at: 'pmemset_part_map()' };
  assert.equal(judge(o, ['PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE']).verdict, 'pass');
  assert.equal(judge(o, ['PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL']).verdict, 'diverge');
});
