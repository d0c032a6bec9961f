/**
 * The bad-block judgements can fail: observations made up as a lying
 * library would give them (a block reported at the wrong offset, one left
 * out or reported twice, BADBLOCKS_CLEARED missing, twice or before a
 * BADBLOCK, the mapping refused after every block was cleared) each
 * diverge under the real verdict; the honest ones pass. The guests give
 * the real observations (suites/sysfs_badblocks.ts); these need no pmem.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judge } from '../runner/core/verdict.js';
import { type BadblockRun, judgeBadblockEvents, judgeCleared } from './sysfs_badblocks.js';

const PAGE = 4096n;
const expected = [
  { offset: PAGE, length: PAGE },
  { offset: 3n * PAGE, length: PAGE },
];
const bb = (offset: bigint, length = PAGE, value = 0) => ({ type: 'BADBLOCK', value, badblockOffset: offset, badblockLength: length });
const ev = (type: string) => ({ type, value: 0 });

function run(events: BadblockRun['events'], code = 'PMEMSET_E_IO_FAIL', o: Partial<BadblockRun> = {}): BadblockRun {
  return {
    rc: 0,
    code,
    events,
    expected,
    rewrites: 0,
    rewriteErrno: 0,
    target: '/sys/block/pmem0/badblocks',
    list: 'block device',
    device: false,
    ...o,
  };
}

/** the verdict the engine gives a labelled outcome of `seen` where `want` is documented */
const verdict = (j: { seen: string; want: string }) => judge({ code: 0, name: j.seen, at: 'pmemset_map' }, [j.want]).verdict;

test('BADBLOCK: each block once, at its offset and length, passes; in any order', () => {
  assert.equal(verdict(judgeBadblockEvents(run([bb(PAGE), bb(3n * PAGE)]))), 'pass');
  assert.equal(verdict(judgeBadblockEvents(run([bb(3n * PAGE), ev('PART_ADD'), bb(PAGE)]))), 'pass');
});

test('BADBLOCK: a wrong offset, a wrong length, a block missing, one twice, or none diverge', () => {
  const lies: BadblockRun['events'][] = [
    [bb(0n), bb(2n * PAGE)], // one page early (the lying build of the guest run)
    [bb(PAGE + 512n), bb(3n * PAGE)],
    [bb(PAGE, 512n), bb(3n * PAGE, 512n)],
    [bb(PAGE)],
    [bb(PAGE), bb(PAGE), bb(3n * PAGE)],
    [],
  ];
  for (const l of lies)
    assert.equal(
      verdict(judgeBadblockEvents(run(l))),
      'diverge',
      JSON.stringify(l, (_, v) => String(v)),
    );
});

test('BADBLOCKS_CLEARED: once after the last BADBLOCK with pmemset_map 0 passes', () => {
  const j = judgeCleared(run([bb(PAGE), bb(3n * PAGE), ev('BADBLOCKS_CLEARED'), ev('PART_ADD')], '0', { rewrites: 2 }));
  assert.ok('seen' in j);
  assert.equal(verdict(j), 'pass');
});

test('BADBLOCKS_CLEARED: missing, twice, before a BADBLOCK, or with the map refused diverge', () => {
  const lies: [BadblockRun['events'], string][] = [
    [[bb(PAGE), bb(3n * PAGE)], '0'], // IO_FAIL swallowed, no event (the lying build)
    [[bb(PAGE), bb(3n * PAGE)], 'PMEMSET_E_IO_FAIL'],
    [[bb(PAGE), bb(3n * PAGE), ev('BADBLOCKS_CLEARED'), ev('BADBLOCKS_CLEARED')], '0'],
    [[bb(PAGE), ev('BADBLOCKS_CLEARED'), bb(3n * PAGE)], '0'],
    [[bb(PAGE), bb(3n * PAGE), ev('BADBLOCKS_CLEARED')], 'PMEMSET_E_IO_FAIL'],
  ];
  for (const [events, code] of lies) {
    const j = judgeCleared(run(events, code));
    assert.ok('seen' in j);
    assert.equal(verdict(j), 'diverge', `${events.map((e) => e.type).join(',')} ${code}`);
  }
});

test('BADBLOCKS_CLEARED: a clear that failed, or no block reported, is not the situation (a skip, not a pass)', () => {
  assert.ok('notBuilt' in judgeCleared(run([bb(PAGE, PAGE, -1), bb(3n * PAGE)], 'PMEMSET_E_IO_FAIL')));
  assert.ok('notBuilt' in judgeCleared(run([], '0')));
  assert.ok('notBuilt' in judgeCleared(run([bb(PAGE), bb(3n * PAGE)], '0', { rewriteErrno: 13 })));
});
