/**
 * `npm run bench`: what the binding costs.
 *
 * 1. The map/unmap cycle of a case, from JS through the binding, against a C
 *    loop making the same libpmem2 calls (native/bench/map_loop.c, built
 *    here into build/bench/ when missing or older than its source). Both
 *    run over a 2-page file on tmpfs (/dev/shm) in interleaved rounds of a
 *    fixed duration after a warm-up; the medians and their ratio
 *    binding/C are reported (target >= 0.8, reported, never fatal: the
 *    figures vary by machine), by wall time and by CPU time (the process's
 *    own, all its threads: on a machine other work keeps busy, the CPU
 *    figures say what a cycle costs, the wall figures what it took).
 * 2. Wall and CPU times of the conformance CLI (`node runner/bin.cjs run
 *    --quiet`, its workers included) for libpmem2 and for libpmemset on the
 *    tmpfs fixture, in seconds and cases per second, and runs per second of
 *    each property.
 * 3. The figures of issue 16's table this host can measure, each with its
 *    target and, where the run measured one, its baseline (issueFigures);
 *    the emulated guest's figures come from guestFigures.
 *
 * 4. The emulated guests (bench-guest.ts): boot to pmem ready and to results
 *    per guest, and power-cut trials per minute; --guest-rounds N (1; 0 skips).
 *
 * Options: --rounds N (5), --duration MS (1000 per round), --warmup MS (500),
 * --suite-runs N (3), --guest-rounds N (1). Figures also go to build/bench/results.json.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../core/paths.js';
import { mustConstant } from '../core/constants.js';
import { pmem2 } from '../core/native.js';
import type { Addon, CallResult } from '../core/native.js';
import { type GuestBench, guestBench } from './bench-guest.js';

const TARGET_RATIO = 0.8;
/** issue 16: the libpmemset run on tmpfs, seconds */
const TARGET_LIBPMEMSET_SECONDS = 4;
const BENCH_DIR = path.join(PROJECT_ROOT, 'build/bench');
const C_SOURCE = path.join(PROJECT_ROOT, 'native/bench/map_loop.c');
const C_BINARY = path.join(BENCH_DIR, 'map_loop');
const RESULTS = path.join(BENCH_DIR, 'results.json');
const CLI = path.join(PROJECT_ROOT, 'runner/bin.cjs');

interface Options {
  rounds: number;
  durationMs: number;
  warmupMs: number;
  suiteRuns: number;
  guestRounds: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      duration: { type: 'string', default: '1000' },
      warmup: { type: 'string', default: '500' },
      'suite-runs': { type: 'string', default: '3' },
      'guest-rounds': { type: 'string', default: '1' },
    },
    strict: true,
  });
  const num = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, not '${v}'`);
    return n;
  };
  return {
    rounds: num('rounds', values.rounds, 1),
    durationMs: num('duration', values.duration, 10),
    warmupMs: num('warmup', values.warmup, 0),
    suiteRuns: num('suite-runs', values['suite-runs'], 0),
    guestRounds: num('guest-rounds', values['guest-rounds'], 0),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** builds the C loop when it is missing or older than its source */
function buildCLoop(): string {
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  const fresh = fs.existsSync(C_BINARY) && fs.statSync(C_BINARY).mtimeMs >= fs.statSync(C_SOURCE).mtimeMs;
  if (fresh) return 'up to date';
  const args = ['-O2', '-Wall', '-Wextra', '-Werror', '-o', C_BINARY, C_SOURCE, '-lpmem2'];
  const r = spawnSync('cc', args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`building the C loop failed (cc ${args.join(' ')}):\n${r.stderr ?? ''}${r.error ? r.error.message : ''}`);
  }
  return `built: cc ${args.join(' ')}`;
}

/** a fresh directory on tmpfs (/dev/shm, else the temporary directory) */
function tmpfsDir(): string {
  const parent = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  return fs.mkdtempSync(path.join(parent, 'pmem-conform-bench-'));
}

function check(call: string, r: CallResult): void {
  if (r.code !== 0) throw new Error(`${call} returned ${r.code}: ${r.message ?? ''}`);
}

/**
 * One case's map/unmap cycle through the binding, as the suites make it
 * (suites/pmem2_util.ts: config with PAGE granularity, a source from the
 * file's descriptor, pmem2_map_new, then the deletes), every code checked.
 */
function jsCycle(a: Addon, fd: number, page: number): void {
  const c = a.configNew();
  check('pmem2_config_new', c);
  const cfg = c.config!;
  check('pmem2_config_set_required_store_granularity', a.configSetRequiredStoreGranularity(cfg, page));
  const s = a.sourceFromFd(fd);
  check('pmem2_source_from_fd', s);
  const src = s.source!;
  const m = a.mapNew(cfg, src);
  check('pmem2_map_new', m);
  check('pmem2_map_delete', a.mapDelete(m.map!));
  check('pmem2_source_delete', a.sourceDelete(src));
  check('pmem2_config_delete', a.configDelete(cfg));
}

interface RoundResult {
  cycles: number;
  seconds: number;
  rate: number;
  /** the process's CPU time over the round, and cycles per CPU second */
  cpuSeconds: number;
  cpuRate: number;
}

/** lets node drain the handles' finalizers, which run from the event loop */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/*
 * The suites await between cases, so the round yields to the event loop
 * every YIELD_EVERY cycles, inside the timed interval: whatever node defers
 * to the loop (finalizers, if the binding ever makes any again) is part of
 * the cost.
 */
const YIELD_EVERY = 256;

async function jsRound(a: Addon, fd: number, page: number, ms: number): Promise<RoundResult> {
  await tick();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  let n = 0;
  let t = start;
  while (t < end) {
    jsCycle(a, fd, page);
    n++;
    if (n % YIELD_EVERY === 0) await tick();
    t = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  const seconds = (t - start) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { cycles: n, seconds, rate: n / seconds, cpuSeconds, cpuRate: n / cpuSeconds };
}

function cRound(file: string, ms: number, warmupMs: number): RoundResult {
  const r = spawnSync(C_BINARY, [file, String(ms), String(warmupMs)], { encoding: 'utf8' });
  let out: { cycles?: number; seconds?: number; cpuSeconds?: number; rate?: number; error?: string; message?: string } = {};
  try {
    out = JSON.parse(r.stdout) as typeof out;
  } catch {
    /* reported below */
  }
  if (r.status !== 0 || out.rate === undefined || out.cpuSeconds === undefined) {
    const why = out.error ? `${out.error}: ${out.message ?? ''}` : `${r.stderr ?? ''}${r.error?.message ?? ''}`.trim();
    throw new Error(`the C loop failed (exit ${r.status ?? r.signal}): ${why}`);
  }
  return { cycles: out.cycles!, seconds: out.seconds!, rate: out.rate, cpuSeconds: out.cpuSeconds, cpuRate: out.cycles! / out.cpuSeconds };
}

interface SuiteRun {
  implementation: string;
  run: number;
  exitCode: number | null;
  wallSeconds: number;
  /** CPU time of the CLI and its workers (user + system, from this process's reaped children) */
  cpuSeconds: number;
  /** the 1-minute load average when the run started: the wall figures swing with it on a shared machine */
  loadAverage: number;
  inProcessSeconds?: number;
  cases?: number;
  casesPerSecond?: number;
  /** each property case of the run: situations run and how long they took */
  properties?: { name: string; runs: number; seconds: number }[];
}

/**
 * childrenCpuSeconds -- CPU time (user + system) of this process's children
 * that have been waited for, and of theirs (cutime + cstime of
 * /proc/self/stat): spawnSync reaps the CLI, the CLI reaps its workers
 */
function childrenCpuSeconds(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  // fields after the command name, which may hold spaces: state is field 3, cutime 16, cstime 17
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[13]) + Number(f[14]);
  return ticks / CLOCK_TICKS;
}

/** USER_HZ: the unit of the times in /proc (100 on every Linux architecture node runs on) */
const CLOCK_TICKS = 100;

/** one timed `pmem-conform run --quiet` of one implementation's suites on tmpfs */
function suiteRun(impl: string, run: number): SuiteRun {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-bench-out-'));
  try {
    const loadAverage = os.loadavg()[0]!;
    const cpu0 = childrenCpuSeconds();
    const start = performance.now();
    const r = spawnSync(process.execPath, [CLI, 'run', '--quiet', '--fixture', 'tmpfs', '--impl', impl, '--out', out], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    const wallSeconds = (performance.now() - start) / 1000;
    const cpuSeconds = childrenCpuSeconds() - cpu0;
    const res: SuiteRun = { implementation: impl, run, exitCode: r.status, wallSeconds, cpuSeconds, loadAverage };
    const file = path.join(out, 'results.json');
    if (fs.existsSync(file)) {
      const j = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        cases: { kind?: string; clause: string; runs?: number; durationMs: number }[];
        environment: { durationMs: number };
      };
      res.cases = j.cases.length;
      res.properties = j.cases
        .filter((c) => c.kind === 'property' && c.runs !== undefined)
        .map((c) => ({ name: c.clause, runs: c.runs!, seconds: c.durationMs / 1000 }));
      res.casesPerSecond = j.cases.length / wallSeconds;
      res.inProcessSeconds = j.environment.durationMs / 1000;
    }
    if (r.status !== 0) {
      const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-3).join('\n');
      console.error(`  ${impl} run ${run}: the CLI exited ${r.status ?? r.signal}\n${tail}`);
    }
    return res;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** what one map/unmap cycle calls, in both loops */
const CYCLE_CALLS = [
  'pmem2_config_new',
  'pmem2_config_set_required_store_granularity',
  'pmem2_source_from_fd',
  'pmem2_map_new',
  'pmem2_map_delete',
  'pmem2_source_delete',
  'pmem2_config_delete',
];

/** the map/unmap rounds, binding and C loop interleaved, with their ratio */
async function mapUnmap(o: ReturnType<typeof options>) {
  const a = pmem2();
  const page = mustConstant('libpmem2', 'PMEM2_GRANULARITY_PAGE');
  const dir = tmpfsDir();
  const file = path.join(dir, 'map-loop');
  const size = 2 * a.pageSize();
  fs.writeFileSync(file, Buffer.alloc(size));
  const fd = fs.openSync(file, 'r+');
  const js: RoundResult[] = [];
  const c: RoundResult[] = [];
  try {
    // warm-up: JIT and the library's first-call paths; the C loop warms up in each process
    await jsRound(a, fd, page, o.warmupMs);
    cRound(file, Math.max(o.warmupMs, 10), 0);
    console.log(
      `\nmap/unmap cycle on ${file} (${size} bytes, PAGE): ${o.rounds} interleaved rounds of ${o.durationMs} ms each, after ${o.warmupMs} ms of warm-up`,
    );
    for (let i = 0; i < o.rounds; i++) {
      js.push(await jsRound(a, fd, page, o.durationMs));
      c.push(cRound(file, o.durationMs, Math.min(o.warmupMs, 200)));
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const jsMedian = median(js.map((r) => r.rate));
  const cMedian = median(c.map((r) => r.rate));
  const cpuRatios = js.map((r, i) => r.cpuRate / c[i]!.cpuRate);
  const cpuRatio = median(cpuRatios);
  // rounds are paired (adjacent in time): the median of the paired ratios
  // is the headline, robust to the machine's load drifting during the run
  const pairRatios = js.map((r, i) => r.rate / c[i]!.rate);
  const ratio = median(pairRatios);
  const ratioOfMedians = jsMedian / cMedian;
  const verdict = ratio >= TARGET_RATIO ? 'PASS' : 'BELOW TARGET';
  const rows = js.map((r, i) => [
    `round ${i + 1}`,
    fmt(r.rate),
    fmt(c[i]!.rate),
    pairRatios[i]!.toFixed(2),
    fmt(r.cpuRate),
    fmt(c[i]!.cpuRate),
    cpuRatios[i]!.toFixed(2),
  ]);
  rows.push([
    'median',
    fmt(jsMedian),
    fmt(cMedian),
    ratio.toFixed(2),
    fmt(median(js.map((r) => r.cpuRate))),
    fmt(median(c.map((r) => r.cpuRate))),
    cpuRatio.toFixed(2),
  ]);
  console.log(
    table(['', 'binding (cycles/s)', 'C loop (cycles/s)', 'binding/C', 'binding (/CPU s)', 'C loop (/CPU s)', 'binding/C (CPU)'], rows),
  );
  console.log(`per cycle: binding ${(1e6 / jsMedian).toFixed(2)} us, C ${(1e6 / cMedian).toFixed(2)} us`);
  console.log(
    `ratio binding/C ${ratio.toFixed(3)} (median of the paired rounds; ratio of the medians ${ratioOfMedians.toFixed(3)}; by CPU time ${cpuRatio.toFixed(3)}), target >= ${TARGET_RATIO}: ${verdict}`,
  );
  return {
    file: 'tmpfs (/dev/shm), 2 pages, PMEM2_GRANULARITY_PAGE',
    calls: CYCLE_CALLS,
    binding: { rounds: js, medianRate: jsMedian },
    c: { rounds: c, medianRate: cMedian },
    ratio,
    ratioMethod: 'median of per-round binding/C ratios (rounds interleaved)',
    roundRatios: pairRatios,
    ratioOfMedians,
    cpuRatio,
    cpuRoundRatios: cpuRatios,
    target: TARGET_RATIO,
    verdict,
  };
}

/** runs per second of each property, the median over the suite runs (fixed --runs, so comparable between runs) */
function propertyThroughput(suites: SuiteRun[]): void {
  const by = new Map<string, { runs: number; seconds: number }[]>();
  for (const s of suites)
    for (const p of s.properties ?? []) by.set(`${s.implementation} ${p.name}`, [...(by.get(`${s.implementation} ${p.name}`) ?? []), p]);
  if (by.size === 0) return;
  const rows = [...by].map(([name, xs]) => [
    name,
    String(median(xs.map((x) => x.runs))),
    median(xs.map((x) => x.seconds)).toFixed(2),
    fmt(median(xs.map((x) => x.runs / Math.max(x.seconds, 0.001))), 1),
  ]);
  console.log(`
property throughput on tmpfs (median of ${suites.length / 2} run(s) each)`);
  console.log(table(['property', 'runs', 'seconds', 'runs/s'], rows));
}

/** whole suite runs of each implementation on tmpfs, with their medians */
function suiteRuns(n: number): SuiteRun[] {
  const suites: SuiteRun[] = [];
  if (n <= 0) return suites;
  console.log(`\nconformance suites on tmpfs: node runner/bin.cjs run --quiet --fixture tmpfs --impl IMPL, ${n} run(s) each`);
  for (let i = 1; i <= n; i++) for (const impl of ['libpmem2', 'libpmemset']) suites.push(suiteRun(impl, i));
  const srows = suites.map((s) => [
    `${s.implementation} #${s.run}`,
    s.cases === undefined ? '-' : String(s.cases),
    s.wallSeconds.toFixed(3),
    s.cpuSeconds.toFixed(2),
    s.inProcessSeconds === undefined ? '-' : s.inProcessSeconds.toFixed(3),
    s.casesPerSecond === undefined ? '-' : fmt(s.casesPerSecond, 1),
    s.loadAverage.toFixed(1),
    String(s.exitCode ?? 'signal'),
  ]);
  for (const impl of ['libpmem2', 'libpmemset']) {
    const mine = suites.filter((s) => s.implementation === impl);
    const counted = mine.filter((s) => s.cases !== undefined);
    const wall = median(mine.map((s) => s.wallSeconds));
    const cases = counted.length ? String(median(counted.map((s) => s.cases!))) : '-';
    const rate = counted.length ? fmt(median(counted.map((s) => s.casesPerSecond!)), 1) : '-';
    srows.push([
      `${impl} median`,
      cases,
      wall.toFixed(3),
      median(mine.map((s) => s.cpuSeconds)).toFixed(2),
      '',
      rate,
      median(mine.map((s) => s.loadAverage)).toFixed(1),
      '',
    ]);
  }
  console.log(table(['suite run', 'cases', 'wall s', 'CPU s', 'in-process s', 'cases/s (wall)', 'load', 'exit'], srows));
  propertyThroughput(suites);
  return suites;
}

/** one row of issue 16's table: what, the figure, what it is measured against in the same run, the target */
interface IssueRow {
  what: string;
  measured: string;
  baseline: string;
  target: string;
  met: string;
}

/**
 * guestFigures -- the emulated guest's rows of issue 16's table: boot to
 * pmem ready and boot to results per guest, power-cut trials a minute.
 * They need a QEMU guest (`--fixture emulated`, `--suite durability`),
 * which this host bench does not boot; the runs report them in their own
 * environment. This is where they join the table when measured.
 */
function guestFigures(g: GuestBench): IssueRow[] {
  const why = g.skipped ?? 'no round finished';
  const m = g.median;
  const total = m?.totalSeconds;
  const tpm = m?.trialsPerMinute;
  const per = m?.perGuest.map((x) => `${x.mode} ${x.bootToReadySeconds.toFixed(1)}/${x.bootToResultsSeconds.toFixed(1)} s`).join(', ');
  return [
    {
      what: '--fixture emulated, boot to results, all default guests',
      measured: total !== undefined ? `${total.toFixed(1)} s (ready/results per guest: ${per})` : `not measured: ${why}`,
      baseline: '-',
      target: '<= 60 s',
      met: total !== undefined ? (total <= 60 ? 'yes' : 'NO') : '-',
    },
    {
      what: 'power-cut trials (--suite durability)',
      measured: tpm !== undefined ? `${tpm.toFixed(1)} a minute` : `not measured: ${g.skipped ?? 'no chain finished'}`,
      baseline: '-',
      target: '>= 6 a minute',
      met: tpm !== undefined ? (tpm >= 6 ? 'yes' : 'NO') : '-',
    },
  ];
}

/** issueFigures -- the rows of issue 16's table this run measured, with their targets */
function issueFigures(m: Awaited<ReturnType<typeof mapUnmap>>, suites: SuiteRun[], guest: GuestBench): IssueRow[] {
  const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
  const rows: IssueRow[] = [
    {
      what: 'binding / C loop, map + unmap cycles/s',
      measured: `${m.ratio.toFixed(2)} wall (${m.cpuRatio.toFixed(2)} by CPU time)`,
      baseline: `C loop ${fmt(m.c.medianRate)}/s, same run`,
      target: `>= ${TARGET_RATIO}`,
      met: yes(m.ratio >= TARGET_RATIO),
    },
  ];
  const of = (impl: string) => suites.filter((s) => s.implementation === impl);
  const set = of('libpmemset');
  const p2 = of('libpmem2');
  if (set.length) {
    const wall = median(set.map((s) => s.wallSeconds));
    const cpu = median(set.map((s) => s.cpuSeconds));
    rows.push({
      what: 'libpmemset run on tmpfs',
      measured: `${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU (load average ${median(set.map((s) => s.loadAverage)).toFixed(1)})`,
      baseline: p2.length
        ? `libpmem2 run ${median(p2.map((s) => s.wallSeconds)).toFixed(1)} s (x${(wall / median(p2.map((s) => s.wallSeconds))).toFixed(2)})`
        : '-',
      target: `<= ${TARGET_LIBPMEMSET_SECONDS} s`,
      met: yes(wall <= TARGET_LIBPMEMSET_SECONDS),
    });
  }
  rows.push({
    what: 'npm test, node test phase',
    measured: 'printed by npm test (scripts/run-tests.mjs)',
    baseline: '-',
    target: '<= 150 s',
    met: '-',
  });
  return [...rows, ...guestFigures(guest)];
}

async function main(): Promise<number> {
  const o = options();
  const cpus = os.cpus();
  const machine = { cpus: cpus.length, model: cpus[0]?.model.trim() ?? 'unknown', kernel: os.release(), node: process.version };
  console.log(`pmem-conform bench: ${machine.cpus} CPU(s), ${machine.model}, Linux ${machine.kernel}, node ${machine.node}`);
  console.log(`C loop: ${buildCLoop()}`);
  const mapUnmapResult = await mapUnmap(o);
  const suites = suiteRuns(o.suiteRuns);
  // the emulated guests and power-cut trials (bench-guest.ts); --guest-rounds 0 leaves them out
  const guest = await guestBench(o.guestRounds);
  const issue = issueFigures(mapUnmapResult, suites, guest);
  const load = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  console.log(`\nissue 16's figures, this run (load average now ${load} on ${machine.cpus} CPUs)`);
  console.log(
    table(
      ['what', 'measured', 'against', 'target', 'met'],
      issue.map((r) => [r.what, r.measured, r.baseline, r.target, r.met]),
    ),
  );
  const results = {
    date: new Date().toISOString(),
    machine,
    loadAverage: os.loadavg(),
    options: o,
    mapUnmap: mapUnmapResult,
    suites,
    guest,
    issue,
  };
  fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults: ${path.relative(process.cwd(), RESULTS) || RESULTS}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`pmem-conform bench: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
