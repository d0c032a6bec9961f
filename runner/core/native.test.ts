/**
 * Misuse of the binding must end in a JS exception, never in a crash of
 * node: foreign objects, handles of another kind, deleted handles, ranges
 * outside a map, accesses the protection forbids.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { pmem2 } from './native.js';
import type { Config, Source } from './native.js';
import { unlinkedFile } from './testing.js';

const a = pmem2();

test('foreign objects and handles of another kind are TypeErrors', () => {
  assert.throws(() => a.sourceSize({ kind: 'pmem2_source', id: 1 } as unknown as Source), TypeError);
  assert.throws(() => a.sourceSize(null as unknown as Source), TypeError);
  const cfg = a.configNew().config!;
  assert.throws(() => a.sourceSize(cfg as unknown as Source), /not a pmem2_source handle/);
  // a copy of a live handle's fields, or its id alone, is not the handle
  const src = a.sourceFromAnon(a.pageSize()).source!;
  assert.throws(() => a.sourceSize({ kind: src.kind, id: src.id } as unknown as Source), TypeError);
  assert.throws(() => a.sourceSize(src.id as unknown as Source), TypeError);
  assert.equal(a.sourceSize(src).code, 0);
  assert.deepEqual(Object.keys(src), ['kind', 'id']);
  a.sourceDelete(src);
  a.configDelete(cfg);
});

test('a deleted handle is an Error naming it, and deleting twice is refused', () => {
  const cfg = a.configNew().config!;
  assert.equal(a.configDelete(cfg).code, 0);
  assert.throws(() => a.configSetOffset(cfg as Config, 0), /pmem2_config handle #\d+ was already deleted/);
  assert.throws(() => a.configDelete(cfg as Config), /already deleted/);
});

test('accesses outside the map or forbidden by its protection are refused in JS', () => {
  const ps = a.pageSize();
  const fd = unlinkedFile(2 * ps);
  const src = a.sourceFromFd(fd).source!;
  const cfg = a.configNew().config!;
  a.configSetRequiredStoreGranularity(cfg, 2);
  const m = a.mapNew(cfg, src).map!;
  assert.throws(() => a.mapRead(m, 2 * ps, 1), RangeError);
  assert.throws(() => a.mapWrite(m, 2 * ps - 1, Buffer.alloc(2)), RangeError);
  a.mapWrite(m, 10, Buffer.from('abc'));
  assert.equal(a.mapRead(m, 10, 3).toString(), 'abc');
  assert.equal(a.mapDelete(m).code, 0);
  assert.throws(() => a.mapRead(m, 0, 1), /already deleted/);

  a.configSetProtection(cfg, 1 << 30); // PMEM2_PROT_READ
  const ro = a.mapNew(cfg, src).map!;
  assert.throws(() => a.mapWrite(ro, 0, Buffer.from('x')), /protection/);
  assert.equal(a.mapDelete(ro).code, 0);
  a.configDelete(cfg);
  a.sourceDelete(src);
  fs.closeSync(fd);
});

test('readRanges gives the bytes of mapped ranges, and null where the access asked for would fault', () => {
  const ps = a.pageSize();
  const fd = unlinkedFile(3 * ps);
  const src = a.sourceFromFd(fd).source!;
  const cfg = a.configNew().config!;
  a.configSetRequiredStoreGranularity(cfg, 2);
  const rw = a.mapNew(cfg, src).map!;
  a.mapWrite(rw, ps - 2, Buffer.from('abcd'));
  const at = a.mapGetAddress(rw);
  a.configSetProtection(cfg, 1 << 30); // PMEM2_PROT_READ
  const ro = a.mapNew(cfg, src).map!;
  const roAt = a.mapGetAddress(ro);
  const big = BigInt(3 * ps);
  // past the end of the rw map: whatever follows it must not be mistaken for part of it
  const past = a.isMapped(at + big, ps) ? undefined : at + big;
  const got = a.readRanges([at + BigInt(ps - 2), roAt, roAt, at + BigInt(ps)], [4, ps, ps, 2 * ps + (past ? 1 : 0)], 'r');
  assert.equal(got[0]?.toString(), 'abcd', 'a range across two pages of one map');
  assert.equal(got[1]?.subarray(ps - 2, ps).toString(), 'ab', 'the read-only map shows the same file');
  if (past) assert.equal(got[3], null, 'a range running one byte past the map');
  const rwGot = a.readRanges([at, roAt], [big, big], 'rw');
  assert.ok(rwGot[0] instanceof Buffer, 'the read-write map is readable and writable');
  assert.equal(rwGot[1], null, 'a read-only map is not writable');
  assert.equal(a.mapRead(rw, ps - 2, 4).toString(), 'abcd', 'checking writability left the bytes as they were');
  assert.deepEqual(a.readRanges([0x1000n], [1], 'r'), [null], 'the zero page region is not mapped');
  assert.throws(() => a.readRanges([at], [1, 2], 'r'), /differ in number/);
  assert.throws(() => a.readRanges([at], [1], 'w'), /perms must be r or rw/);
  assert.equal(a.mapDelete(ro).code, 0);
  assert.equal(a.mapDelete(rw).code, 0);
  a.configDelete(cfg);
  a.sourceDelete(src);
  fs.closeSync(fd);
});

test('a range check asked of the kernel per address (PROCMAP_QUERY) answers as the whole text of /proc/self/maps does', () => {
  const ps = a.pageSize();
  const fd = unlinkedFile(2 * ps);
  const src = a.sourceFromFd(fd).source!;
  // a reservation of 6 pages: a read-write map of 2 pages at its start, a read-only one of 2 right after it,
  // 2 pages of reservation (PROT_NONE) left at its end
  const rsv = a.reservationNew(0, 6 * ps).reservation!;
  const base = a.reservationGetAddress(rsv);
  const cfg = a.configNew().config!;
  a.configSetRequiredStoreGranularity(cfg, 2);
  assert.equal(a.configSetVmReservation(cfg, rsv, 0).code, 0);
  const rw = a.mapNew(cfg, src).map!;
  a.configSetProtection(cfg, 1 << 30); // PMEM2_PROT_READ
  assert.equal(a.configSetVmReservation(cfg, rsv, 2 * ps).code, 0);
  const ro = a.mapNew(cfg, src).map!;
  const p = (n: number) => base + BigInt(n * ps);
  const situations: [string, bigint, number, string, boolean][] = [
    ['inside the rw map', p(0) + 10n, 100, 'rw', true],
    ['the whole rw map', p(0), 2 * ps, 'rw', true],
    ['the rw map and the ro one, for reading', p(1), 2 * ps, 'r', true],
    ['the rw map and the ro one, for writing', p(1), 2 * ps, 'rw', false],
    ['the ro map, for writing', p(2), ps, 'rw', false],
    ['the ro map, for reading', p(3) + 1n, ps - 1, 'r', true],
    ['the reservation past the maps, for reading', p(4), ps, 'r', false],
    ['the reservation past the maps, mapped at all', p(4), 2 * ps, '', true],
    ['from the ro map into the reservation, for reading', p(3), 2 * ps, 'r', false],
    ['the zero page', 0x1000n, 1, '', false],
    ['wrapping past the end of the address space', 0xffff_ffff_ffff_f000n, 0x2000, '', false],
  ];
  for (const [what, at, len, perms, want] of situations) {
    assert.equal(a.isMapped(at, len, perms, 'text'), want, `${what}: the text of /proc/self/maps`);
    assert.equal(a.isMapped(at, len, perms, 'query'), want, `${what}: the per-address query`);
  }
  // the data path's checks take the same answer: a read-only map refuses a write in JS
  assert.throws(() => a.mapWrite(ro, 0, Buffer.from('x')), /protection|not mapped/);
  // a kernel before 6.11 has no PROCMAP_QUERY: the checks then read the text, and say so
  assert.ok([0, 1].includes(a.mapsQuery()), `mapsQuery() is ${a.mapsQuery()} after a check`);
  assert.throws(() => a.isMapped(p(0), 1, 'r', 'guess' as 'text'), /how must be text or query/);
  assert.equal(a.mapDelete(ro).code, 0);
  assert.equal(a.mapDelete(rw).code, 0);
  a.configDelete(cfg);
  a.reservationDelete(rsv);
  a.sourceDelete(src);
  fs.closeSync(fd);
});

test('loading another library in the same process, or a missing one, is refused', () => {
  assert.throws(() => a.load('/nonexistent/libpmem2.so.1'), /already loaded|cannot load/);
  assert.equal(a.load('libpmem2.so.1'), 'libpmem2.so.1');
});

test('deviceAccess reads and writes any byte range through a shared map widened to the unit, and refuses in JS what it cannot map', () => {
  const unit = 2 * 1024 * 1024;
  const path = `${fs.mkdtempSync(`${os.tmpdir()}/pmc-da-`)}/dev`;
  fs.writeFileSync(path, Buffer.alloc(2 * unit));
  const fd = fs.openSync(path, 'r+');
  try {
    // a range across the boundary of two units, at an offset no page or unit aligns
    const data = Buffer.from('across the unit boundary');
    const at = unit - 7;
    assert.deepEqual(a.deviceAccess(fd, at, data.length, unit, data), { errno: 0 });
    assert.ok(
      fs
        .readFileSync(path)
        .subarray(at, at + data.length)
        .equals(data),
      'the file holds what was written',
    );
    assert.ok(a.deviceAccess(fd, at - 3, data.length + 6, unit).data!.equals(fs.readFileSync(path).subarray(at - 3, at + data.length + 3)));
    assert.equal(a.deviceAccess(fd, 5, 0, unit).data!.length, 0);
    // a read-only descriptor maps for reading only: the write is an errno, not a fault
    const ro = fs.openSync(path, 'r');
    assert.equal(a.deviceAccess(ro, 0, 4, unit, Buffer.from('zzzz')).errno, 13);
    fs.closeSync(ro);
    assert.throws(() => a.deviceAccess(fd, 0, 4, 3000), /power of two/);
    assert.throws(() => a.deviceAccess(fd, 0, 4, unit, Buffer.from('xy')), /length/);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(path.replace(/\/dev$/, ''), { recursive: true, force: true });
  }
});
