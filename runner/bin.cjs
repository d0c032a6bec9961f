#!/usr/bin/env node
// CommonJS shim so `npx pmem-conform` works before and after a build: the
// compiled ESM entry lives in dist/.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'runner', 'cli', 'entry.js');
// the emulated guest's runtime carries the CLI as one bundle with its code cache (fixtures/guest-bundle.ts);
// a checkout or an installed package has none and runs dist/ as it is
const bundle = path.join(__dirname, '..', 'dist', 'bundle', 'cli.bundle.cjs');
if (fs.existsSync(bundle)) require('./bundle.cjs').run(bundle);
else if (!fs.existsSync(entry)) {
  // a checkout compiles dist/ in npm install (prepare); a package from npm pack ships it
  const checkout = fs.existsSync(path.join(__dirname, '..', 'tsconfig.json'));
  console.error(
    checkout
      ? 'pmem-conform: not built yet; run npm install (or npm run build) in the checkout'
      : `pmem-conform: this installed package has no dist/ (${path.join(__dirname, '..')}); reinstall it from a package made by npm pack`,
  );
  process.exit(2);
} else
  import(require('node:url').pathToFileURL(entry).href).catch((e) => {
    console.error(`pmem-conform: ${e.message}`);
    process.exit(3);
  });
