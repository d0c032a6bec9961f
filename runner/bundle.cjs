'use strict';
// The loader of the guest runtime's bundles (fixtures/guest-bundle.ts): runs
// one bundled CommonJS file with V8's code cache beside it. In the TCG guest
// a Node start spent most of its seconds compiling and resolving a hundred
// ES modules; one file whose compiled code is read back from the cache
// skips both. Without a cache, or with one V8 refuses (another node, other
// flags), the file is compiled as usual: the cache only ever saves time.
//
// PMEM_CONFORM_CODE_CACHE=write: write the cache at exit, with every function
// the run compiled (how the host makes it before the guest boots).
// PMEM_CONFORM_CODE_CACHE=report: say on stderr whether the cache was used.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

/** run -- loads `file` as the main module's code, with `file`.cache as its compiled code when V8 accepts it */
function run(file) {
  const mode = process.env.PMEM_CONFORM_CODE_CACHE;
  // the bundle's own children (the workers) use their cache, never write it
  if (mode === 'write') delete process.env.PMEM_CONFORM_CODE_CACHE;
  const cacheFile = `${file}.cache`;
  let cachedData;
  if (mode !== 'write') {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      // no cache: compiled as usual
    }
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  if (mode === 'report')
    process.stderr.write(
      `pmem-conform: code cache ${cachedData ? (script.cachedDataRejected ? 'rejected' : 'used') : 'absent'} for ${path.basename(file)}\n`,
    );
  if (mode === 'write') process.on('exit', () => fs.writeFileSync(cacheFile, script.createCachedData()));
  const m = { exports: {} };
  script.runInThisContext().call(m.exports, m.exports, Module.createRequire(file), m, file, path.dirname(file));
}

module.exports = { run };
