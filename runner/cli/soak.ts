/**
 * The soak (scripts/soak.sh): N runs of the CLI on tmpfs and loop-ext4,
 * each stopped at a random (seeded) moment by kill -9, SIGINT or SIGTERM,
 * some of them two runs sharing one --out; then one normal run per fixture
 * and output directory. It then checks what the runner promises:
 *
 *   - no mount, loop device, process or temporary directory of the soak's
 *     runs is left (found by the runs' pids and the run tag every ownership
 *     marker and every child's environment carries);
 *   - every results.json present is valid JSON, and one written by a stopped
 *     run says interrupted;
 *   - a run stopped by a signal exits 128 + its number, a run refused by the
 *     lock names the holder;
 *   - nothing outside the harness's own directories changed: a user tree
 *     (with a directory named like the harness's, pmem-conform-999999-mydata)
 *     is byte for byte as before, also after a run pointed at it as fsdax:DIR.
 *
 * Prints the figures (runs, kills, leftovers found, invalid files found) and
 * a JSON summary as its last line; exit 1 when a check fails.
 *
 *   node dist/runner/cli/soak.js [--runs N] [--seed S] [--fixture F]... [--max-delay MS] [--kill9-only]
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { OWNER_MARKER, RUN_TAG_ENV } from '../core/ownership.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { harnessEntries, harnessParents, loopDevices } from '../../fixtures/sweep.js';
import { isRoot, mounts } from '../../fixtures/sys.js';

const CLI = path.join(PROJECT_ROOT, 'runner', 'bin.cjs');

type Stop = 'kill9' | 'sigint' | 'sigterm';

export interface RunRecord {
  index: number;
  fixture: string;
  out: string;
  pid: number;
  stop: Stop | 'none';
  delayMs: number;
  pair: boolean;
  code: number | null;
  signal: string | null;
  /** the run's stdout and stderr, their last 8000 characters */
  output: string;
}

export interface SoakSummary {
  seed: number;
  runs: number;
  kills: number;
  sigints: number;
  sigterms: number;
  pairs: number;
  lockRefusals: number;
  finalRuns: number;
  leftovers: string[];
  invalidFiles: string[];
  problems: string[];
  sweptByFinalRuns: number;
  /** leftovers of killed runs that the later stopped runs swept (they sweep at start too) */
  sweptByRuns: number;
}

/** mulberry32 -- a small seeded generator: the same seed picks the same fixtures, stops and moments */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** treeHash -- every path, type, mode and content below `dir`: any change outside the harness shows */
export function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    h.update(`${path.relative(dir, p)}\0${st.mode}\0`);
    if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    else if (st.isFile()) h.update(fs.readFileSync(p));
  };
  walk(dir);
  return h.digest('hex');
}

/** the owner pid in a harness directory's name (pmem-conform-KIND-<pid>-XXXXXX) */
function namePid(name: string): number | undefined {
  const m = /-(\d+)-[A-Za-z0-9]{6}$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function markerTag(dir: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, OWNER_MARKER), 'utf8')) as { tag?: string }).tag;
  } catch {
    return undefined;
  }
}

/**
 * findLeftovers -- what the soak's runs (pids, or the run tag in markers
 * and environments) left: directories, mounts below them, loop devices
 * whose image is below them, processes
 */
export function findLeftovers(tag: string, pids: ReadonlySet<number>, parents: string[] = harnessParents()): string[] {
  const found: string[] = [];
  const dirs: string[] = [];
  for (const { name, dir } of harnessEntries(parents)) {
    const pid = namePid(name);
    if ((pid !== undefined && pids.has(pid)) || markerTag(dir) === tag) dirs.push(dir);
  }
  for (const d of dirs) found.push(`directory ${d}`);
  const under = (p: string) => dirs.some((d) => p === d || p.startsWith(`${d}/`));
  for (const m of mounts()) if (under(m.point)) found.push(`mount ${m.point}`);
  for (const l of loopDevices()) {
    const back = (l['back-file'] ?? '').replace(/ \(deleted\)$/, '');
    if (back && under(back)) found.push(`loop device ${l.name} (${back})`);
  }
  for (const p of processesTagged(tag)) found.push(`process ${p}`);
  return found;
}

/** processes whose environment carries the run tag (every child of a soak run inherits it) */
function processesTagged(tag: string): string[] {
  const out: string[] = [];
  const needle = `${RUN_TAG_ENV}=${tag}\0`;
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const env = fs.readFileSync(`/proc/${e}/environ`, 'latin1');
      if (`${env}\0`.includes(needle)) {
        const cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        out.push(`${e} ${cmd.slice(0, 120)}`);
      }
    } catch {
      /* gone, or a kernel thread */
    }
  }
  return out;
}

/** checkReports -- every results.json below `dir` parses; one of a stopped run says so */
export function checkReports(dir: string): { invalid: string[]; temps: string[] } {
  const invalid: string[] = [];
  const temps: string[] = [];
  const walk = (p: string) => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const full = path.join(p, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.includes('.pmem-conform-tmp-') || e.name.startsWith('.pmem-conform.lock')) temps.push(full);
      else if (e.name === 'results.json') {
        try {
          JSON.parse(fs.readFileSync(full, 'utf8'));
        } catch (err) {
          invalid.push(`${full}: ${(err as Error).message}`);
        }
      }
    }
  };
  walk(dir);
  return { invalid, temps };
}

interface Running {
  child: ChildProcess;
  rec: RunRecord;
  done: Promise<void>;
}

function start(rec: Omit<RunRecord, 'pid' | 'code' | 'signal' | 'output'>, tag: string, args: string[]): Running {
  const child = spawn(
    process.execPath,
    [CLI, 'run', '--fixture', rec.fixture, '--out', rec.out, '--junit', path.join(rec.out, 'junit.xml'), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, [RUN_TAG_ENV]: tag },
    },
  );
  const full: RunRecord = { ...rec, pid: child.pid ?? -1, code: null, signal: null, output: '' };
  // both streams: the lock's refusal is on stderr, the sweep's notices on stdout
  const keep = (d: Buffer) => {
    full.output = (full.output + d.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const done = new Promise<void>((resolve) => {
    child.on('close', (code, sig) => {
      full.code = code;
      full.signal = sig;
      resolve();
    });
  });
  return { child, rec: full, done };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** waits for a run to end; a run that does not end within `limitMs` of its stop is a problem, and killed */
async function finish(r: Running, limitMs: number, problems: string[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), limitMs);
  });
  const hung = await Promise.race([r.done.then(() => false), late]);
  clearTimeout(timer);
  if (hung) {
    problems.push(`run ${r.rec.index} (pid ${r.rec.pid}) did not end within ${limitMs / 1000} s of its ${r.rec.stop}`);
    r.child.kill('SIGKILL');
    await r.done;
  }
}

/** what a stopped run must have done: the exit status of its signal, a lock refusal naming the holder, or a finished run */
function judge(rec: RunRecord, problems: string[]): 'refused' | 'ok' {
  const expected = rec.stop === 'sigint' ? 130 : rec.stop === 'sigterm' ? 143 : undefined;
  if (rec.code === 2 && /is in use by another run \(pid \d+/.test(rec.output)) return 'refused';
  if (rec.stop === 'kill9') {
    if (rec.signal !== 'SIGKILL' && rec.code !== 0 && rec.code !== 1)
      problems.push(`run ${rec.index}: kill -9 but ${rec.signal ?? `exit ${rec.code}`}: ${lastLine(rec.output)}`);
    return 'ok';
  }
  // a run may have finished (0, 1) before the signal came
  // the signal's own death is 128 + its number to a shell too: it came before node ran any of the harness
  if (rec.signal === (rec.stop === 'sigint' ? 'SIGINT' : 'SIGTERM')) return 'ok';
  if (rec.code !== expected && rec.code !== 0 && rec.code !== 1)
    problems.push(`run ${rec.index}: ${rec.stop} gave ${rec.signal ?? `exit ${rec.code}`}, not ${expected}: ${lastLine(rec.output)}`);
  if (rec.code === expected && !/before the run started: nothing ran/.test(rec.output)) {
    const json = path.join(rec.out, 'results.json');
    try {
      const r = JSON.parse(fs.readFileSync(json, 'utf8')) as { interrupted?: boolean };
      // in a pair the set in the directory may be the partner's, written after ours
      if (r.interrupted !== true && !rec.pair)
        problems.push(`run ${rec.index}: stopped by ${rec.stop} but ${json} does not say interrupted`);
    } catch (e) {
      problems.push(`run ${rec.index}: stopped by ${rec.stop}, ${json}: ${(e as Error).message}`);
    }
  }
  return 'ok';
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop() ?? '';
}

export interface SoakOptions {
  runs: number;
  seed: number;
  fixtures: string[];
  maxDelayMs: number;
  kill9Only: boolean;
  /** where the soak keeps its outputs and the user tree (default: a fresh directory in the temporary directory) */
  work?: string;
  log?: (line: string) => void;
}

/** soak -- the runs, the final runs and the checks; the summary says what was found */
export async function soak(o: SoakOptions): Promise<SoakSummary> {
  const log = o.log ?? (() => undefined);
  const rand = rng(o.seed);
  const tag = `soak-${process.pid}-${o.seed}`;
  const work = o.work ?? fs.mkdtempSync(path.join(os.tmpdir(), 'soak-of-pmem-conform-'));
  const outs = [path.join(work, 'out-a'), path.join(work, 'out-b')];
  // the user's data: a tree the harness must never change, with a directory named like one of its own
  const user = path.join(work, 'user');
  fs.mkdirSync(path.join(user, 'pmem-conform-999999-mydata'), { recursive: true });
  fs.writeFileSync(path.join(user, 'pmem-conform-999999-mydata', 'f'), 'x\n');
  fs.writeFileSync(path.join(user, 'notes.txt'), 'the user wrote this\n');
  const before = treeHash(user);
  const problems: string[] = [];
  const pids = new Set<number>();
  const records: RunRecord[] = [];
  const s: SoakSummary = {
    seed: o.seed,
    runs: 0,
    kills: 0,
    sigints: 0,
    sigterms: 0,
    pairs: 0,
    lockRefusals: 0,
    finalRuns: 0,
    leftovers: [],
    invalidFiles: [],
    problems,
    sweptByFinalRuns: 0,
    sweptByRuns: 0,
  };
  // short runs: the suites of one page, so a run that is not stopped ends soon
  const args = ['--impl', 'libpmem2', '--suite', 'pmem2_map_new', '--suite', 'pmem2_vm_reservation', '--suites-only', '--quiet'];
  const stopOf = (): Stop => (o.kill9Only ? 'kill9' : (['kill9', 'sigint', 'sigterm'] as const)[Math.floor(rand() * 3)]!);
  const stopRun = (r: Running) => {
    const sig = r.rec.stop === 'kill9' ? 'SIGKILL' : r.rec.stop === 'sigint' ? 'SIGINT' : 'SIGTERM';
    if (r.rec.stop === 'kill9') s.kills++;
    else if (r.rec.stop === 'sigint') s.sigints++;
    else s.sigterms++;
    r.child.kill(sig);
  };
  for (let i = 0; i < o.runs; i++) {
    const fixture = o.fixtures[i % o.fixtures.length]!;
    const out = outs[Math.floor(rand() * outs.length)]!;
    const pair = !o.kill9Only && rand() < 0.4;
    const group: { r: Running; delay: number }[] = [];
    const delay = Math.floor(rand() * o.maxDelayMs);
    group.push({ r: start({ index: i, fixture, out, stop: stopOf(), delayMs: delay, pair }, tag, args), delay });
    if (pair) {
      s.pairs++;
      // the second run of the pair: same --out, started a little later, stopped at its own moment
      await sleep(Math.floor(rand() * 300));
      const d2 = Math.floor(rand() * o.maxDelayMs);
      group.push({ r: start({ index: i, fixture, out, stop: stopOf(), delayMs: d2, pair }, tag, args), delay: d2 });
    }
    for (const g of group) pids.add(g.r.rec.pid);
    await Promise.all(
      group.map(async ({ r, delay: d }) => {
        const ended = await Promise.race([r.done.then(() => true), sleep(d).then(() => false)]);
        if (ended) r.rec.stop = 'none';
        else stopRun(r);
        await finish(r, 60_000, problems);
      }),
    );
    for (const g of group) {
      s.runs++;
      s.sweptByRuns += (g.r.rec.output.match(/removed a (leftover|killed run)/g) ?? []).length;
      records.push(g.r.rec);
      if (g.r.rec.stop !== 'none' && judge(g.r.rec, problems) === 'refused') s.lockRefusals++;
      log(
        `run ${i}${pair ? ' (pair)' : ''}: ${fixture} → ${path.basename(out)}, ${g.r.rec.stop} after ${g.r.rec.delayMs} ms: ${g.r.rec.signal ?? `exit ${g.r.rec.code}`}`,
      );
    }
  }
  // one normal run per fixture and output directory: they sweep what the stopped runs left
  for (const [k, fixture] of o.fixtures.entries()) {
    for (const out of k === 0 ? outs : [outs[k % outs.length]!]) {
      const r = start({ index: -1, fixture, out, stop: 'none', delayMs: 0, pair: false }, tag, args);
      pids.add(r.rec.pid);
      await finish(r, 600_000, problems);
      s.finalRuns++;
      s.sweptByFinalRuns += (r.rec.output.match(/removed a (leftover|killed run)/g) ?? []).length;
      if (r.rec.code !== 0 && r.rec.code !== 1) problems.push(`final run on ${fixture}: exit ${r.rec.code}: ${lastLine(r.rec.output)}`);
      log(`final run: ${fixture} → ${path.basename(out)}: exit ${r.rec.code}`);
    }
  }
  // a run pointed at the user's tree as fsdax:DIR is refused (not DAX) and changes nothing there
  const fsdax = start({ index: -2, fixture: `fsdax:${user}`, out: outs[0]!, stop: 'none', delayMs: 0, pair: false }, tag, args);
  pids.add(fsdax.rec.pid);
  await finish(fsdax, 120_000, problems);
  if (fsdax.rec.code !== 2) problems.push(`fsdax:${user} (not DAX) gave exit ${fsdax.rec.code}, not 2`);
  // children that die with their parent get the signal at once; give the kernel a moment to reap them
  for (let i = 0; i < 50 && findLeftovers(tag, pids).length; i++) await sleep(100);
  s.leftovers = findLeftovers(tag, pids);
  const reports = checkReports(work);
  s.invalidFiles = reports.invalid;
  for (const t of reports.temps) s.leftovers.push(`temporary file ${t}`);
  if (treeHash(user) !== before) problems.push(`the user tree ${user} changed`);
  if (!fs.existsSync(path.join(user, 'pmem-conform-999999-mydata', 'f')))
    problems.push('the user file pmem-conform-999999-mydata/f is gone');
  if (!o.work) fs.rmSync(work, { recursive: true, force: true });
  return s;
}

/** soakFailed -- what makes the soak fail */
export function soakFailed(s: SoakSummary): boolean {
  return s.leftovers.length > 0 || s.invalidFiles.length > 0 || s.problems.length > 0;
}

async function cli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '20' },
      seed: { type: 'string', default: '1' },
      fixture: { type: 'string', multiple: true },
      'max-delay': { type: 'string', default: '4000' },
      'kill9-only': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const num = (name: string, v: string) => {
    if (!/^\d+$/.test(v)) throw new Error(`--${name} takes a whole number, not '${v}'`);
    return Number(v);
  };
  const fixtures = values.fixture ?? (isRoot() ? ['tmpfs', 'loop-ext4'] : ['tmpfs']);
  const s = await soak({
    runs: num('runs', values.runs),
    seed: num('seed', values.seed),
    fixtures,
    maxDelayMs: num('max-delay', values['max-delay']),
    kill9Only: values['kill9-only'],
    log: (l) => console.log(l),
  });
  console.log(
    `soak: ${s.runs} runs (${s.kills} kill -9, ${s.sigints} SIGINT, ${s.sigterms} SIGTERM, ${s.pairs} pairs sharing an --out, ${s.lockRefusals} refused by the lock), ${s.sweptByRuns} leftovers swept by later stopped runs, ${s.finalRuns} final runs (${s.sweptByFinalRuns} swept by them); leftovers found: ${s.leftovers.length}; invalid results.json: ${s.invalidFiles.length}; problems: ${s.problems.length}`,
  );
  for (const l of [...s.leftovers, ...s.invalidFiles, ...s.problems]) console.log(`  ${l}`);
  console.log(JSON.stringify(s));
  return soakFailed(s) ? 1 : 0;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: Error) => {
      console.error(`soak: ${e.message}`);
      process.exitCode = 2;
    },
  );
}
