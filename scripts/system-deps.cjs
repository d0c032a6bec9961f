#!/usr/bin/env node
// Preinstall: make sure Debian's libpmem2 (library, header, man pages) is
// present before the addon is built. As root with apt we install it; anyone
// else gets the one command to run, because a half-built addon helps nobody.
'use strict';
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const PACKAGES = ['libpmem2-dev'];
const NEEDED = ['/usr/include/libpmem2.h', '/usr/include/libpmem2/base.h'];

function missing() {
  return NEEDED.filter((f) => !fs.existsSync(f));
}

function libraryPresent() {
  const r = spawnSync('sh', ['-c', 'ldconfig -p | grep -q "libpmem2.so.1 "'], { stdio: 'ignore' });
  return r.status === 0;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

if (process.env.PMEM_CONFORM_SKIP_SYSTEM_DEPS === '1') process.exit(0);
if (missing().length === 0 && libraryPresent()) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = fs.existsSync('/usr/bin/apt-get');
const command = `apt-get update && apt-get install -y ${PACKAGES.join(' ')}`;

if (!isRoot || !hasApt) {
  console.error(
    `pmem-conform: Debian's libpmem2 is missing (${missing().join(', ') || 'libpmem2.so.1'}); run as root: ${command} ` +
      '(or set PMEM_CONFORM_SKIP_SYSTEM_DEPS=1 to skip this check)',
  );
  process.exit(1);
}

// say what is about to change on the system, and how to decline, before apt touches it
console.error(
  `pmem-conform: running as root, so installing Debian packages now: apt-get update; apt-get install -y ${PACKAGES.join(' ')}\n` +
    'pmem-conform: to skip this (and install them yourself), run: PMEM_CONFORM_SKIP_SYSTEM_DEPS=1 npm install',
);
if (!run('apt-get', ['update', '-qq']) || !run('apt-get', ['install', '-y', '-qq', ...PACKAGES])) {
  console.error(`pmem-conform: apt-get failed; run by hand: ${command}`);
  process.exit(1);
}
if (missing().length !== 0) {
  console.error(`pmem-conform: ${PACKAGES.join(' ')} installed but ${missing().join(', ')} still missing`);
  process.exit(1);
}
