/**
 * forkInject: a seccomp filter or a faked device DAX changes only the
 * forked child that makes the one call. The same call in the runner's own
 * process behaves as before, and its mounts are the same afterwards.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { codeName, mustConstant } from './constants.js';
import { DEFAULT_LIB } from './implementation.js';
import { pmem2 } from './native.js';
import { isTechnique, platformTechnique, seccomp } from './technique.js';
import { unlinkedFile } from './testing.js';

const a = pmem2();
const ps = a.pageSize();
const E = os.constants.errno;
const root = process.getuid?.() === 0;

/**
 * mountinfo -- this namespace's mounts, less those other test files' runs make and remove meanwhile
 * (npm test runs two files at once: their tmpfs and loop fixtures mount under the temporary directory,
 * in directories named pmem-conform-*); a mount under `own`, this test's directory, still counts
 */
function mountinfo(own?: string): string {
  const theirs = `${os.tmpdir()}/pmem-conform-`;
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => {
      const point = l.split(' ')[4] ?? '';
      return !point.startsWith(theirs) || (own !== undefined && point.startsWith(own));
    })
    .join('\n');
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

test('a file replaced by a bind in a private mount namespace: the child reads the new text, or fails to open or read it; the parent sees the file and its mounts unchanged', {
  skip: !root && 'needs root (unshare(CLONE_NEWNS), mount(2))',
}, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-bind-'));
  const file = path.join(dir, 'align');
  const link = path.join(dir, 'link');
  fs.writeFileSync(file, '2097152\n');
  fs.symlinkSync('align', link);
  const before = mountinfo(dir);
  try {
    // no bind: the child reads the file as it is (the check below can fail)
    const plain = a.forkInject({}, 'read_file', file);
    assert.deepEqual([plain.stage, plain.code, plain.text], ['call', 0, '2097152\n'], JSON.stringify(plain));
    // the bind is on the real path: a symlink to it sees the replacement too
    const text = a.forkInject({ binds: [{ target: link, with: 'text', text: '3000\n' }] }, 'read_file', file);
    assert.deepEqual([text.stage, text.code, text.text], ['call', 0, '3000\n'], JSON.stringify(text));
    const unopenable = a.forkInject({ binds: [{ target: file, with: 'unopenable' }] }, 'read_file', file);
    assert.deepEqual([unopenable.code, unopenable.text], [E.EACCES, 'open'], JSON.stringify(unopenable));
    const unreadable = a.forkInject({ binds: [{ target: file, with: 'unreadable' }] }, 'read_file', file);
    assert.deepEqual([unreadable.code, unreadable.text], [E.EIO, 'read'], JSON.stringify(unreadable));
    // a target that does not exist is a setup failure naming it, not a call
    const gone = a.forkInject({ binds: [{ target: path.join(dir, 'none'), with: 'unreadable' }] }, 'read_file', file);
    assert.equal(gone.stage, 'setup', JSON.stringify(gone));
    assert.match(gone.message ?? '', /none: No such file/);
    // missing: the directory without the file, every other entry as it was (the symlink, a sibling)
    fs.writeFileSync(path.join(dir, 'size'), '4096\n');
    const missing = a.forkInject({ binds: [{ target: file, with: 'missing' }] }, 'read_file', file);
    assert.deepEqual([missing.code, missing.text], [E.ENOENT, 'open'], JSON.stringify(missing));
    const sibling = a.forkInject({ binds: [{ target: file, with: 'missing' }] }, 'read_file', path.join(dir, 'size'));
    assert.deepEqual([sibling.code, sibling.text], [0, '4096\n'], JSON.stringify(sibling));
    // a text for a file the directory lacks adds it (an attribute the device does not have)
    const added = path.join(dir, 'dirty_shutdown');
    const create = a.forkInject({ binds: [{ target: added, with: 'text', text: '7\n' }] }, 'read_file', added);
    assert.deepEqual([create.code, create.text], [0, '7\n'], JSON.stringify(create));
    const createSibling = a.forkInject({ binds: [{ target: added, with: 'text', text: '7\n' }] }, 'read_file', link);
    assert.deepEqual([createSibling.code, createSibling.text], [0, '2097152\n'], JSON.stringify(createSibling));
    assert.ok(!fs.existsSync(added));
    // nothing leaked into the parent
    assert.equal(fs.readFileSync(file, 'utf8'), '2097152\n');
    assert.equal(mountinfo(dir), before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bad bind injections are refused before any fork', () => {
  assert.throws(() => a.forkInject({ binds: [] }, 'read_file', '/x'), /1\.\.8 entries/);
  assert.throws(() => a.forkInject({ binds: [{ target: 'rel', with: 'unreadable' }] }, 'read_file', '/x'), /absolute path/);
  assert.throws(
    () => a.forkInject({ binds: [{ target: '/x', with: 'nope' as 'unreadable' }] }, 'read_file', '/x'),
    /text, unopenable, unreadable or missing/,
  );
});

test('set_map: pmemset_map in the child only; the parent set gets no part, the SDS record its state there', () => {
  const s = pmem2();
  s.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-setmap-'));
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, Buffer.alloc(ps));
  const cfg = s.setConfigNew().config!;
  assert.equal(s.setConfigSetRequiredStoreGranularity(cfg, mustConstant('libpmem2', 'PMEM2_GRANULARITY_PAGE')).code, 0);
  const set = s.setNew(cfg).set!;
  const src = s.setSourceFromFile(file).source!;
  try {
    const r = s.forkInject({}, 'set_map', set, src, null, 1);
    assert.deepEqual([r.stage, r.code], ['call', 0], JSON.stringify(r));
    // no unsafe-shutdown data on this file: the SDS answer comes back, with the child's record state
    const sds = s.setSourceSetSds(src, {});
    const nosupp = s.forkInject({}, 'set_map', set, src, sds.sds, 1);
    assert.equal(
      codeName(nosupp.code!),
      'PMEMSET_E_SDS_NOSUPP',
      JSON.stringify(nosupp, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    );
    assert.match(nosupp.message ?? '', /./);
    assert.equal(typeof nosupp.value, 'bigint');
    // the parent's set is as it was: no part map
    assert.equal(s.setFirstPartMap(set).partMap, undefined);
    assert.throws(() => s.forkInject({}, 'set_map', set, src, null, 0), /times must be 1\.\.8/);
  } finally {
    s.setSourceDelete(src);
    s.setDelete(set);
    s.setConfigDelete(cfg);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("set_map with an event log: the child's events come back, the parent's log stays empty; a bad rewriteOnClear is refused before any fork", () => {
  const s = pmem2();
  s.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-setmap-events-'));
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, Buffer.alloc(ps));
  const cfg = s.setConfigNew().config!;
  assert.equal(s.setConfigSetRequiredStoreGranularity(cfg, mustConstant('libpmem2', 'PMEM2_GRANULARITY_PAGE')).code, 0);
  const log = s.setConfigSetEventCallback(cfg, { clearBadblocks: true });
  const set = s.setNew(cfg).set!;
  const src = s.setSourceFromFile(file).source!;
  try {
    const r = s.forkInject({}, 'set_map', set, src, null, 1, log);
    assert.deepEqual([r.stage, r.code], ['call', 0], JSON.stringify(r));
    assert.deepEqual(
      r.events?.map((e) => e.type),
      ['PART_ADD'],
    );
    assert.equal(r.rewrites, undefined);
    assert.deepEqual(s.setEventsTake(log), []);
    const bind = { target: file, with: 'text' as const, text: '' };
    assert.throws(
      () => s.forkInject({ binds: [bind], rewriteOnClear: { target: file, lines: [] } }, 'set_map', set, src, null, 1, log),
      /1\.\.8 lines/,
    );
    assert.throws(
      () =>
        s.forkInject(
          { binds: [bind], rewriteOnClear: { target: file, lines: [{ text: '8 8\n' } as never] } },
          'set_map',
          set,
          src,
          null,
          1,
          log,
        ),
      /rewriteOnClear must be/,
    );
  } finally {
    s.setSourceDelete(src);
    s.setDelete(set);
    s.setConfigDelete(cfg);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('technique names: the forms technique.ts lists, and nothing else', () => {
  for (const t of [
    'natural',
    'seccomp:munmap=EINVAL',
    seccomp('mmap', 'ENFILE'),
    'mountns:sysfs-dax',
    'mountns:sysfs-attr',
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
