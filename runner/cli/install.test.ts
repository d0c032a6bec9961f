/**
 * Install anywhere, end to end (slow: two installs, each building the
 * native code): a copy of the checkout's tracked files installs with
 * `npm ci --omit=dev` and runs; `npm pack` of it ships dist/ and the native
 * sources but no tests or CI files; the tarball installed into an empty
 * project runs. CI cannot fetch, so npm runs --offline from its cache (the
 * `npm ci` that set up this checkout filled it); the empty project's lock
 * file names the same dependency versions as ours.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { RunResult } from '../core/model.js';
import { PROJECT_ROOT } from '../core/paths.js';

const git = spawnSync('git', ['ls-files', '-z'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' });
const skip = git.status !== 0 ? 'not a git checkout' : npm.status !== 0 ? 'npm is not on PATH' : false;

/** sh -- runs a command, failing the test with its output when it fails */
function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} in ${cwd}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const RUN = ['run', '--suites-only', '--suite', 'pmem2_source_size', '--impl', 'libpmem2', '--out'];

/** a short run of the CLI (`cmd` and its first arguments start it); returns its results */
function runInstalled(cwd: string, cmd: string, args: string[], out: string): RunResult {
  const stdout = sh(cmd, [...args, ...RUN, out], cwd);
  assert.match(stdout, /^GATE GREEN/m, stdout);
  const result = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
  assert.ok(result.cases.length > 0 && result.cases.every((c) => c.verdict !== 'error'), stdout);
  assert.ok(fs.existsSync(path.join(out, 'index.html')));
  return result;
}

test('npm ci --omit=dev in a clone runs; npm pack ships dist/ and the native sources only; the tarball installs and runs in an empty project', {
  skip,
  timeout: 1_200_000,
}, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-install-'));
  const clone = path.join(tmp, 'clone');
  for (const f of git.stdout.split('\0').filter(Boolean)) {
    const src = path.join(PROJECT_ROOT, f);
    if (!fs.existsSync(src)) continue; // deleted in the work tree
    fs.mkdirSync(path.dirname(path.join(clone, f)), { recursive: true });
    fs.copyFileSync(src, path.join(clone, f));
  }

  // 1. a clone, production dependencies only: prepare compiles dist/, install builds the native code
  sh('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], clone);
  assert.ok(!fs.existsSync(path.join(clone, 'node_modules/@playwright')), 'dev dependencies were left out');
  // the package's own bin, as npm links it for a dependant (npx in the checkout itself would install a second copy)
  const fromClone = runInstalled(clone, process.execPath, ['runner/bin.cjs'], path.join(tmp, 'out-clone'));

  // 2. the package: dist/ and what the install step builds, nothing of tests or CI; prepare compiled
  // dist/ in step 1 from the same sources, so pack skips compiling it a second time
  sh('npm', ['pack', '--offline', '--ignore-scripts', '--pack-destination', tmp], clone);
  const pkg = JSON.parse(fs.readFileSync(path.join(clone, 'package.json'), 'utf8')) as { name: string; version: string };
  const tgz = path.join(tmp, `${pkg.name}-${pkg.version}.tgz`);
  const files = sh('tar', ['tzf', tgz], tmp).split('\n').filter(Boolean);
  for (const want of ['package/dist/runner/cli/entry.js', 'package/runner/bin.cjs', 'package/binding.gyp', 'package/suites/catalogue.json'])
    assert.ok(files.includes(want), `the package holds ${want}`);
  assert.ok(files.some((f) => f.startsWith('package/native/addon/')) && files.some((f) => f.startsWith('package/native/libpmemset/src/')));
  assert.deepEqual(
    files.filter((f) => /\.test\.|\/tests\/|^package\/\.(ci|github)\/|\.ts$/.test(f)),
    [],
    'no tests, CI files or TypeScript sources in the package',
  );

  // 3. an empty project installs the tarball; its lock names our dependency versions, so npm needs no registry
  const proj = path.join(tmp, 'proj');
  fs.mkdirSync(proj);
  const spec = `file:../${path.basename(tgz)}`;
  fs.writeFileSync(
    path.join(proj, 'package.json'),
    JSON.stringify({ name: 'empty', version: '1.0.0', private: true, dependencies: { [pkg.name]: spec } }),
  );
  const ours = JSON.parse(fs.readFileSync(path.join(clone, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, Record<string, unknown> & { dev?: boolean }>;
  };
  const root = ours.packages['']!;
  const packages: Record<string, unknown> = {
    '': { name: 'empty', version: '1.0.0', dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(fs.readFileSync(tgz)).digest('base64')}`,
      hasInstallScript: true,
      license: root.license,
      dependencies: root.dependencies,
      bin: root.bin,
      engines: root.engines,
    },
  };
  for (const [k, v] of Object.entries(ours.packages)) if (k && !v.dev) packages[k] = v;
  fs.writeFileSync(
    path.join(proj, 'package-lock.json'),
    JSON.stringify({ name: 'empty', version: '1.0.0', lockfileVersion: 3, requires: true, packages }),
  );
  sh('npm', ['ci', '--offline', '--no-audit', '--no-fund'], proj);
  assert.ok(fs.existsSync(path.join(proj, 'node_modules/.bin/pmem-conform')), 'npm linked the bin');
  const fromTarball = runInstalled(proj, 'npm', ['exec', '--offline', '--', 'pmem-conform'], path.join(tmp, 'out-tarball'));
  assert.deepEqual(
    fromTarball.cases.map((c) => `${c.clauseId} ${c.verdict}`),
    fromClone.cases.map((c) => `${c.clauseId} ${c.verdict}`),
    'the installed package gives the verdicts the clone gives',
  );
  fs.rmSync(tmp, { recursive: true, force: true });
});
