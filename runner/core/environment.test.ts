import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildVersion, ownerPackage, resolveSoname } from './environment.js';

test('ownerPackage of the system libpmem2 is the package dpkg-query -S names; buildVersion is the same by name and by path', () => {
  const file = resolveSoname('libpmem2.so.1');
  const dpkg = execFileSync('dpkg-query', ['-S', file], { encoding: 'utf8' }).split('\n')[0]!.split(':').slice(0, -1).join(':').trim();
  assert.equal(ownerPackage(file), dpkg);
  const byName = buildVersion('libpmem2.so.1');
  assert.ok(byName && /^\d/.test(byName), `a Debian version, not ${byName}`);
  assert.equal(buildVersion(file), byName);
});

test('ownerPackage reads the lists named after the file first, and answers none for a file no list holds', () => {
  const info = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-dpkg-'));
  try {
    fs.writeFileSync(path.join(info, 'libfoo-debug:amd64.list'), '/usr/lib/dbg\n/usr/lib/dbg/libfoo.so.1\n');
    fs.writeFileSync(path.join(info, 'libfoo:amd64.list'), '/usr/lib/libfoo.so.1.2\n/usr/lib/libfoo.so.1.2.bak\n');
    assert.equal(ownerPackage('/usr/lib/libfoo.so.1.2', info), 'libfoo:amd64');
    assert.equal(ownerPackage('/usr/lib/dbg/libfoo.so.1', info), 'libfoo-debug:amd64');
    // a line that only starts with the path is another file
    assert.equal(ownerPackage('/usr/lib/libfoo.so.1', info), undefined);
    // a maintainer's own build in a directory no package installs into: no list is read
    assert.equal(ownerPackage('/tmp/build/libfoo.so.1.2', info), undefined);
  } finally {
    fs.rmSync(info, { recursive: true, force: true });
  }
});
