/**
 * forkInject: a seccomp filter or a faked device DAX changes only the
 * forked child that makes the one call. The same call in the runner's own
 * process behaves as before, and its mounts are the same afterwards.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import path from 'node:path';
import { codeName, mustConstant } from './constants.js';
import { DEFAULT_LIB } from './implementation.js';
import { pmem2 } from './native.js';
import { isTechnique, platformTechnique, seccomp } from './technique.js';
import { unlinkedFile } from './testing.js';

const a = pmem2();
const ps = a.pageSize();
const E = os.constants.errno;
const root = process.getuid?.() === 0;

function mountinfo(): string {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8');
}

test('a seccomp filter fails munmap in the child only: the reservation delete passes EINVAL through there and succeeds here', () => {
  const r = a.forkInject({ syscall: 'munmap', errno: E.EINVAL }, 'reservation_delete', 8 * ps);
  assert.deepEqual([r.stage, r.code], ['call', -E.EINVAL], JSON.stringify(r));
  // the filter died with the child: the runner's own munmap works
  const rsv = a.reservationNew(0, 8 * ps);
  assert.equal(rsv.code, 0);
  assert.equal(a.reservationDelete(rsv.reservation!).code, 0);
  const addr = a.plainMap(ps, 3);
  assert.equal(a.plainUnmap(addr, ps), 0);
});

test('a filter matched on an argument fails only that call: mmap of another descriptor is untouched', () => {
  const fd = unlinkedFile(2 * ps);
  const src = a.sourceFromFd(fd).source!;
  const cfg = a.configNew().config!;
  assert.equal(a.configSetRequiredStoreGranularity(cfg, mustConstant('libpmem2', 'PMEM2_GRANULARITY_PAGE')).code, 0);
  try {
    const hit = a.forkInject({ syscall: 'mmap', errno: E.ENFILE, argIndex: 4, argValue: fd }, 'map_new', cfg, src);
    assert.equal(hit.code, -E.ENFILE, JSON.stringify(hit));
    // the same filter on a descriptor the library does not map lets the map through
    const miss = a.forkInject({ syscall: 'mmap', errno: E.ENFILE, argIndex: 4, argValue: fd + 1000 }, 'map_new', cfg, src);
    assert.equal(miss.code, 0, JSON.stringify(miss));
    const here = a.mapNew(cfg, src);
    assert.equal(here.code, 0);
    assert.equal(a.mapDelete(here.map!).code, 0);
  } finally {
    a.configDelete(cfg);
    a.sourceDelete(src);
    fs.closeSync(fd);
  }
});

test('a filter on the mmap that mends a set reservation fails pmemset_remove_range in the child only: here the part stays mapped and the same remove succeeds', {
  skip: !fs.existsSync(DEFAULT_LIB.libpmemset!) && 'our libpmemset is not built (make -C native/libpmemset)',
}, () => {
  a.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-inject-'));
  const file = path.join(dir, 'part');
  fs.writeFileSync(file, Buffer.alloc(ps));
  const cfg = a.setConfigNew().config!;
  try {
    assert.equal(a.setConfigSetRequiredStoreGranularity(cfg, mustConstant('libpmem2', 'PMEM2_GRANULARITY_PAGE')).code, 0);
    const set = a.setNew(cfg).set!;
    const src = a.setSourceFromFile(file).source!;
    const m = a.setMap(set, src, null, true);
    assert.equal(m.code, 0);
    const d = m.descriptor!;
    const r = a.forkInject({ syscall: 'mmap', errno: E.EINVAL, argIndex: 0, argValue: d.addr }, 'set_remove_range', set, d.addr, d.size);
    assert.deepEqual([r.stage, r.code], ['call', -E.EINVAL], JSON.stringify(r));
    // the child's filter and its failed remove stayed there
    assert.ok(a.isMapped(d.addr, d.size, 'rw'));
    assert.equal(a.setRemoveRange(set, d.addr, d.size).code, 0);
    assert.ok(!a.isMapped(d.addr, d.size, 'rw'));
    assert.equal(a.setDelete(set).code, 0);
    assert.equal(a.setSourceDelete(src).code, 0);
  } finally {
    a.setConfigDelete(cfg);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an exhausted heap stays in the child: there ndctl_new fails inside pmem2_source_device_id; here the same call answers as before', () => {
  const fd = unlinkedFile(ps);
  const src = a.sourceFromFd(fd).source!;
  try {
    const here = codeName(a.sourceDeviceId(src).code);
    const r = a.forkMore('source_query_oom', 'pmem2_source_device_id', src, 64 * 1024 * 1024);
    assert.equal(r.stage, 'call', JSON.stringify(r));
    assert.ok(r.ndctlNew !== undefined && r.ndctlNew < 0, JSON.stringify(r));
    assert.equal(r.code, r.ndctlNew, JSON.stringify(r));
    assert.notEqual(codeName(r.code!), here);
    assert.equal(codeName(a.sourceDeviceId(src).code), here);
    assert.equal(a.badblockContextNew(src).code, 0);
  } finally {
    a.sourceDelete(src);
    fs.closeSync(fd);
  }
});

test('bad injections are refused before any fork', () => {
  assert.throws(() => a.forkInject({ syscall: 'reboot' as 'mmap', errno: 1 }, 'reservation_delete', ps), /unknown system call/);
  assert.throws(() => a.forkInject({ syscall: 'mmap', errno: 0 }, 'reservation_delete', ps), /errno must be/);
  assert.throws(() => a.forkInject({}, 'devdax_source_size'), /needs injection.fakeDevdax/);
});

test('a device DAX faked in a private mount namespace: the child sees one, the parent neither the device nor the mount', {
  skip: !root && 'needs root (unshare(CLONE_NEWNS))',
}, () => {
  const before = mountinfo();
  // /dev/zero is a character device, not a device DAX: refused here
  const fd = fs.openSync('/dev/zero', 'r+');
  try {
    assert.equal(codeName(a.sourceFromFd(fd).code), 'PMEM2_E_INVALID_FILE_TYPE');
    const made = a.forkInject({ fakeDevdax: true }, 'devdax_source_from_fd');
    assert.deepEqual([made.stage, made.code], ['call', 0], JSON.stringify(made));
    const flush = a.forkInject({ fakeDevdax: true }, 'devdax_deep_flush', 2 * 1024 * 1024);
    assert.equal(codeName(flush.code!), 'PMEM2_E_DAX_REGION_NOT_FOUND', JSON.stringify(flush));
    // nothing leaked: the same descriptor is still refused, the mounts are the same
    assert.equal(codeName(a.sourceFromFd(fd).code), 'PMEM2_E_INVALID_FILE_TYPE');
    assert.equal(mountinfo(), before);
    assert.ok(!fs.existsSync('/sys/dev/char/dax'));
  } finally {
    fs.closeSync(fd);
  }
});

test('technique names: the forms technique.ts lists, and nothing else', () => {
  for (const t of [
    'natural',
    'seccomp:munmap=EINVAL',
    seccomp('mmap', 'ENFILE'),
    'mountns:sysfs-dax',
    'rlimit:AS',
    'heap:exhausted',
    'stale-map',
  ])
    assert.ok(isTechnique(t), t);
  for (const t of [undefined, '', 'not provoked', 'seccomp:munmap', 'seccomp:munmap=einval', 'rlimit:FOO', 'platform:Linux'])
    assert.ok(!isTechnique(t), String(t));
  assert.equal(platformTechnique('Windows only'), 'platform:Windows');
  assert.equal(platformTechnique('FreeBSD only'), 'platform:FreeBSD');
});
