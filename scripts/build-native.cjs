#!/usr/bin/env node
// Install step: build the node addon, our libpmemset, and the constant table
// read from the installed libpmem2 header. Each step says what failed in one
// line; the tool's own output is kept above it for the details.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');

function step(what, cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`pmem-conform: ${what} failed (${cmd} ${args.join(' ')})`);
    process.exit(1);
  }
}

// npm puts its bundled node-gyp on PATH for install scripts; outside npm,
// fall back to the copy npm ships.
function nodeGyp() {
  const r = spawnSync('sh', ['-c', 'command -v node-gyp'], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return [r.stdout.trim(), []];
  const npmDir = path.dirname(path.dirname(fs.realpathSync(process.execPath)));
  const bundled = path.join(npmDir, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  return [process.execPath, [bundled]];
}

// Node's headers: npm passes its nodedir setting to install scripts; run by
// hand we point at the headers the distribution installed, since this
// machine cannot download them.
const gypExtra = [];
if (!process.env.npm_config_nodedir && fs.existsSync('/usr/include/node/node.h')) gypExtra.push('--nodedir=/usr');

// the addon's two dozen files and libpmemset's compile one per core: the
// build is most of an install's time (and of npm test's install round trips)
const jobs = String(require('node:os').availableParallelism());
const [gyp, gypArgs] = nodeGyp();
step('building the node addon', gyp, [...gypArgs, 'rebuild', `--jobs=${jobs}`, ...gypExtra]);

const lpsDir = path.join(root, 'native/libpmemset');
if (fs.existsSync(path.join(lpsDir, 'Makefile'))) {
  step('building libpmemset', 'make', ['-s', `-j${jobs}`, '-C', lpsDir]);
}

step('generating the libpmem2 constant table', process.execPath, [path.join(root, 'scripts/gen-constants.cjs')]);
