#!/usr/bin/env node
// prepare (npm install/ci in a checkout, npm pack): compile the TypeScript
// into dist/. A checkout needs it; a package made by npm pack already holds
// dist/ and never runs this. Without the compiler (an install that left it
// out) an existing dist/ is used as it is, and a missing one is one line.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
} catch {
  tsc = undefined;
}
if (!tsc) {
  if (fs.existsSync(path.join(root, 'dist/runner/cli/entry.js'))) process.exit(0);
  console.error('pmem-conform: cannot build dist/: the TypeScript compiler is not installed (npm install typescript)');
  process.exit(1);
}
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  console.error('pmem-conform: compiling the TypeScript (tsc -p tsconfig.json) failed');
  process.exit(1);
}
