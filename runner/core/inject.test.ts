/**
 * forkInject: a seccomp filter or a faked device DAX changes only the
 * forked child that makes the one call. The same call in the runner's own
 * process behaves as before, and its mounts are the same afterwards.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { codeName, mustConstant } from './constants.js';
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
