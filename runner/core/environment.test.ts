import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildVersion, ownerPackage, resolveSoname, statusVersion } from './environment.js';

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

test('statusVersion reads the version dpkg-query gives from the status file, for the installed stanza of the architecture asked', () => {
  for (const pkg of ['libpmem2:amd64', 'libpmem2', 'libc6:amd64', 'coreutils']) {
    let dpkg: string | undefined;
    try {
      const stanza = execFileSync('dpkg-query', ['-s', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      dpkg = /^Version: (.*)$/m.exec(stanza)?.[1];
    } catch {
      continue; // not installed here
    }
    assert.ok(dpkg, `dpkg-query -s ${pkg} names a version`);
    assert.equal(statusVersion(pkg), dpkg, pkg);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-status-'));
  try {
    const status = path.join(dir, 'status');
    fs.writeFileSync(
      status,
      [
        'Package: libfoo-dev\nStatus: install ok installed\nArchitecture: amd64\nVersion: 9\n',
        'Package: libfoo\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1.0-1\n',
        'Package: libfoo\nStatus: install ok installed\nArchitecture: i386\nVersion: 2.0-1\n',
        'Package: libfoo\nStatus: install ok installed\nMulti-Arch: same\nArchitecture: amd64\nVersion: 3.0-1\nDescription: x\n more\n',
      ].join('\n'),
    );
    assert.equal(statusVersion('libfoo:amd64', status), '3.0-1');
    assert.equal(statusVersion('libfoo:i386', status), '2.0-1');
    assert.equal(statusVersion('libfoo:arm64', status), undefined);
    assert.equal(statusVersion('libfo', status), undefined);
    assert.equal(statusVersion('libfoo', path.join(dir, 'missing')), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
