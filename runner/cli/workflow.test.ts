/**
 * The GitHub Actions workflow really runs: it lints clean with
 * action-validator (the workflow schema, job needs, matrix references), and
 * its own steps, run here in order the way the runner runs them (a fresh
 * checkout per job, the shard matrix expanded, `run:` scripts in bash -e,
 * artifacts uploaded by one job and downloaded by the next, `if:` honoured),
 * pass with a small selection. This machine is Debian bookworm, the image
 * the workflow's jobs run in.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../core/paths.js';
import type { RunResult } from '../core/model.js';

// yaml is a dev dependency: loaded at run time, so that `npm ci --omit=dev` still compiles this file
const YAML = 'yaml';
const { parse } = (await import(YAML)) as { parse: (text: string) => unknown };

const WORKFLOW = path.join(PROJECT_ROOT, '.github/workflows/conformance.yml');
const VALIDATOR = path.join(PROJECT_ROOT, 'node_modules/.bin/action-validator');
/** what the steps run here instead of every fixture: one page, suites only, on tmpfs */
const SMALL = '--fixture tmpfs --impl libpmem2 --suite pmem2_map_new --suite pmem2_vm_reservation --suites-only --seed 1';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  'runs-on': string | string[];
  container?: { image: string; options?: string } | string;
  strategy?: { matrix: Record<string, unknown[]> };
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  env?: Record<string, string | number>;
  jobs: Record<string, Job>;
}

function validate(file: string) {
  return spawnSync(VALIDATOR, [file], { encoding: 'utf8' });
}

test('the workflow lints clean with action-validator, and a broken one does not', () => {
  const r = validate(WORKFLOW);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-wf-'));
  const text = fs.readFileSync(WORKFLOW, 'utf8');
  for (const [what, broken] of [
    ['a misspelt key', text.replace('    steps:\n', '    stepz:\n')],
    ['a job that needs a job that is not there', text.replace('needs: shard', 'needs: shards')],
  ] as const) {
    assert.notEqual(broken, text, what);
    const f = path.join(dir, 'broken.yml');
    fs.writeFileSync(f, broken);
    assert.notEqual(validate(f).status, 0, `${what} passed the lint`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the workflow: Debian bookworm container, privileged shards, a matrix as long as the shard count, a merge job, a self-hosted lab job', () => {
  const wf = parse(fs.readFileSync(WORKFLOW, 'utf8')) as Workflow;
  const shard = wf.jobs.shard!;
  assert.deepEqual(shard.container, { image: 'debian:bookworm', options: '--privileged' });
  assert.equal(shard.strategy!.matrix.shard!.length, Number(wf.env!.PMEM_CONFORM_SHARDS));
  assert.equal(wf.jobs.merge!.needs, 'shard');
  assert.ok((wf.jobs.lab!['runs-on'] as string[]).includes('self-hosted'));
  // every script a step names is in the tree
  for (const job of Object.values(wf.jobs))
    for (const s of job.steps)
      for (const m of (s.run ?? '').matchAll(/bash (\S+)/g)) assert.ok(fs.existsSync(path.join(PROJECT_ROOT, m[1]!)), `${m[1]} missing`);
});

/** a fresh checkout: the tree's files (tracked and new, not ignored), with the installed and built parts linked */
function checkout(into: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && fs.existsSync(path.join(PROJECT_ROOT, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(into, f)), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_ROOT, f), path.join(into, f));
  }
  // `npm ci` is what .ci/build does on a fresh clone; here the built tree stands in for it (.ci/build sees it and skips)
  for (const d of ['node_modules', 'build', 'dist']) fs.symlinkSync(path.join(PROJECT_ROOT, d), path.join(into, d));
}

/** expand -- ${{ matrix.X }}, ${{ env.X }}; anything else is an expression this runner does not know */
function expand(s: string, ctx: { matrix: Record<string, unknown>; env: Record<string, string> }): string {
  return s.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    const [scope, key] = expr.split('.') as [string, string];
    const v = scope === 'matrix' ? ctx.matrix[key] : scope === 'env' ? ctx.env[key] : undefined;
    if (v === undefined) throw new Error(`unknown expression \${{ ${expr} }}`);
    return String(v);
  });
}

/** condition -- the `if:` forms the workflow uses: always(), and repository variables (none set here) */
function condition(expr: string | undefined, failed: boolean): boolean {
  if (expr === undefined) return !failed;
  if (expr.trim() === 'always()') return true;
  if (/^vars\.\w+ == '[^']*'$/.test(expr.trim())) return false;
  throw new Error(`if: ${expr} is not an expression this runner knows`);
}

/** the common ancestor of the paths (upload-artifact keeps paths relative to it) */
function commonRoot(paths: string[]): string {
  let root = path.dirname(paths[0]!);
  while (!paths.every((p) => p === root || p.startsWith(`${root}/`))) root = path.dirname(root);
  return root;
}

test("the workflow's own steps, run here in order, pass: shards, then the merge and its gate", {
  skip: process.getuid?.() !== 0 && 'the jobs run as root',
}, () => {
  const wf = parse(fs.readFileSync(WORKFLOW, 'utf8')) as Workflow;
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-runner-'));
  const artifacts = path.join(base, 'artifacts');
  const ran: string[] = [];
  const jobOrder = ['shard', 'merge', 'lab'];
  assert.deepEqual(Object.keys(wf.jobs).sort(), [...jobOrder].sort());
  for (const jobName of jobOrder) {
    const job = wf.jobs[jobName]!;
    if (!condition(job.if, false)) {
      ran.push(`${jobName}: skipped (${job.if})`);
      continue;
    }
    const matrices = job.strategy ? job.strategy.matrix.shard!.map((shard) => ({ shard })) : [{}];
    for (const matrix of matrices) {
      const ws = path.join(base, `${jobName}-${Object.values(matrix).join('-') || 'job'}`);
      fs.mkdirSync(ws);
      const env: Record<string, string> = {
        ...(Object.fromEntries(Object.entries(wf.env ?? {}).map(([k, v]) => [k, String(v)])) as Record<string, string>),
        ...(job.env ?? {}),
        PMEM_CONFORM_SELECTION: SMALL,
        CI: 'true',
        GITHUB_WORKSPACE: ws,
      };
      let failed = false;
      for (const step of job.steps) {
        const label = `${jobName}${Object.keys(matrix).length ? ` ${JSON.stringify(matrix)}` : ''}: ${step.name ?? step.uses}`;
        if (!condition(step.if, failed)) {
          ran.push(`${label}: skipped`);
          continue;
        }
        const ctx = { matrix: matrix as Record<string, unknown>, env };
        const uses = step.uses?.split('@')[0];
        if (uses === 'actions/checkout') checkout(ws);
        else if (uses === 'actions/setup-node') assert.equal(process.versions.node.split('.')[0], String(step.with!['node-version']));
        else if (uses === 'actions/upload-artifact') {
          const name = expand(String(step.with!.name), ctx);
          const paths = String(step.with!.path)
            .split('\n')
            .map((p) => expand(p.trim(), ctx))
            .filter(Boolean)
            .map((p) => path.join(ws, p))
            .filter((p) => fs.existsSync(p));
          assert.ok(paths.length > 0, `${label}: no files to upload`);
          const root = commonRoot(paths);
          for (const p of paths) fs.cpSync(p, path.join(artifacts, name, path.relative(root, p)), { recursive: true });
        } else if (uses === 'actions/download-artifact') {
          const pattern = new RegExp(`^${String(step.with!.pattern).replace(/\*/g, '.*')}$`);
          for (const a of fs.readdirSync(artifacts).filter((n) => pattern.test(n)))
            fs.cpSync(path.join(artifacts, a), path.join(ws, String(step.with!.path), a), { recursive: true });
        } else if (step.run !== undefined) {
          const script = path.join(base, 'step.sh');
          fs.writeFileSync(script, expand(step.run, ctx));
          const r = spawnSync('bash', ['-e', script], { cwd: ws, env: { ...process.env, ...env, ...(step.env ?? {}) }, encoding: 'utf8' });
          if (r.status !== 0) {
            failed = true;
            ran.push(`${label}: FAILED (exit ${r.status})\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
            continue;
          }
        } else throw new Error(`${label}: a step this runner does not know (${step.uses})`);
        ran.push(`${label}: ok`);
      }
    }
  }
  const failures = ran.filter((l) => l.includes('FAILED'));
  assert.deepEqual(failures, [], ran.join('\n'));
  // the merge job's report: every shard's cases, once each
  const merged = JSON.parse(fs.readFileSync(path.join(artifacts, 'pmem-conform-reports/results.json'), 'utf8')) as RunResult;
  const shards = [1, 2, 3].map((i) => JSON.parse(fs.readFileSync(path.join(artifacts, `shard-${i}/results.json`), 'utf8')) as RunResult);
  assert.equal(
    merged.cases.length,
    shards.reduce((n, s) => n + s.cases.length, 0),
  );
  assert.ok(shards.every((s) => s.cases.length > 0));
  assert.ok(fs.existsSync(path.join(artifacts, 'pmem-conform-reports/junit.xml')));
  assert.deepEqual(merged.hosts?.[0]?.shards, [1, 2, 3]);
  assert.ok(ran.some((l) => l.startsWith('lab: skipped')));
  fs.rmSync(base, { recursive: true, force: true });
});
