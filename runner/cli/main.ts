/**
 * pmem-conform command line: parse the options, plan, run the engine with
 * the reporters, turn the result into an exit status. Bad input (an unknown
 * fixture, an unreadable library path, a malformed option) ends in one line
 * on stderr and exit 2; a run with harness errors exits 1; divergences are
 * findings, shown in the summary, and exit 0 unless a baseline gates them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FAILING } from '../core/model.js';
import type { RunResult } from '../core/model.js';
import { loadAddon } from '../core/native.js';
import { Engine } from '../engine/engine.js';
import type { Plan } from '../engine/plan.js';
import type { Baseline } from '../../reports/baseline.js';
import { loadBaseline } from '../../reports/baseline.js';
import { ConsoleReporter } from '../../reports/console.js';
import { BaselineWriter, GateReporter } from '../../reports/gate.js';
import type { Snapshot } from '../../reports/snapshot.js';
import { formatThreeWay, loadResult, threeWay } from '../../reports/threeway.js';
import { CompareReporter, diffSnapshots, formatDiff, loadSnapshot, SnapshotWriter } from '../../reports/snapshot.js';
import { HtmlReporter } from '../../reports/html.js';
import { JsonReporter } from '../../reports/json.js';
import { JunitReporter } from '../../reports/junit.js';
import { ReproReporter } from '../../reports/repro.js';
import type { Reporter } from '../../reports/reporter.js';
import { Multiplexer } from '../../reports/reporter.js';
import { list } from './list.js';
import { merge } from './merge.js';
import { repro } from './repro.js';
import type { RunOptions } from './options.js';
import { parseRunOptions, USAGE, UsageError, wantsHelp } from './options.js';
import { checkOutputDir, checkOutputFile } from './validate.js';
import type { OutputLock } from '../core/lock.js';
import { LockHeld, lockOutput } from '../core/lock.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { Interrupts } from '../engine/interrupt.js';
import { REPLAY_NOTHING } from '../engine/properties.js';
import { ReportSet, sweepStaleTemps } from '../../reports/write.js';
import { buildPlan } from './plan.js';
import { pmemOnThisMachine, recoverNamespaces } from '../../fixtures/index.js';

export { UsageError };

/** the gate's baseline, when one is named and exists (--update-baseline may name a file to create) */
function readBaseline(values: RunOptions): Baseline | undefined {
  if (values['update-baseline'] && !values.baseline) throw new UsageError('--update-baseline needs --baseline FILE (the file to write)');
  if (values.strict && !values.baseline) throw new UsageError('--strict needs --baseline FILE');
  if (values['pin-version'] && !values['update-baseline'])
    throw new UsageError('--pin-version applies to --update-baseline (the entries it writes)');
  if (!values.baseline || (values['update-baseline'] && !fs.existsSync(values.baseline))) return undefined;
  try {
    return loadBaseline(values.baseline);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** the reporters of a run, in the order their end() runs; `gates` decide the exit status */
function reporters(
  values: RunOptions,
  plan: Plan,
  baseline: Baseline | undefined,
  recorded: Snapshot | undefined,
): { all: Reporter[]; gates: { exitCode: 0 | 1 }[] } {
  // --out is where the reports go; --json FILE puts the JSON elsewhere, the HTML stays in --out
  const htmlFile = path.join(path.resolve(values.out), 'index.html');
  const jsonFile = path.resolve(values.json ?? path.join(path.resolve(values.out), 'results.json'));
  const junitFile = values.junit ? path.resolve(values.junit) : undefined;
  const withBaseline = baseline ? { baseline, strict: values.strict } : {};
  const all: Reporter[] = [
    new JsonReporter(jsonFile),
    new HtmlReporter(htmlFile, withBaseline),
    new ReproReporter(path.join(path.dirname(jsonFile), 'repro')),
  ];
  if (junitFile) all.push(new JunitReporter(junitFile, withBaseline));
  // the console's summary ends with the gate's verdict: it ends the run
  const console_ = new ConsoleReporter({
    quiet: values.quiet,
    verbose: values.verbose,
    files: [jsonFile, htmlFile, ...(junitFile ? [junitFile] : [])],
    randomSeed: plan.seeded && values.seed === undefined,
    ...(baseline && !values['update-baseline'] ? { baseline, strict: values.strict } : {}),
  });
  const gates: { exitCode: 0 | 1 }[] = [];
  if (values.snapshot) all.push(new SnapshotWriter(path.resolve(values.snapshot)));
  if (recorded) {
    const compare = new CompareReporter(recorded);
    all.push(compare);
    gates.push(compare);
  }
  if (values['update-baseline']) all.push(new BaselineWriter(values.baseline!, baseline, { pinVersion: values['pin-version'] }));
  else if (baseline) {
    const gate = new GateReporter(baseline, { strict: values.strict, silent: true });
    all.push(gate);
    gates.push(gate);
  }
  all.push(console_);
  return { all, gates };
}

/** the snapshot --compare names, read before anything runs */
function readRecorded(values: RunOptions): Snapshot | undefined {
  if (!values.compare) return undefined;
  try {
    return loadSnapshot(values.compare);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** the harness's version, from its package.json */
function version(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** pmem-conform diff A B: what changed between two runs; exit 1 when anything did */
function diff(args: string[]): number {
  if (args[0] === '--three-way') return diffThreeWay(args.slice(1));
  if (args.length !== 2) throw new UsageError('diff takes two files: pmem-conform diff A.json B.json (results.json or snapshots)');
  let a: Snapshot;
  let b: Snapshot;
  try {
    a = loadSnapshot(args[0]!);
    b = loadSnapshot(args[1]!);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const d = diffSnapshots(a, b);
  console.log(formatDiff(d, a, b));
  return d.changed.length || d.onlyBefore.length || d.onlyAfter.length ? 1 : 0;
}

/**
 * pmem-conform diff --three-way [--all] REFERENCE.json OURS.json: page, reference build and ours for every
 * clause both runs answered; exit 1 when their verdicts differ anywhere
 */
function diffThreeWay(args: string[]): number {
  const all = args.includes('--all');
  const files = args.filter((a) => a !== '--all');
  if (files.length !== 2 || files.some((f) => f.startsWith('--')))
    throw new UsageError('diff --three-way takes two results.json files: pmem-conform diff --three-way [--all] REFERENCE.json OURS.json');
  let ref: RunResult;
  let ours: RunResult;
  try {
    ref = loadResult(files[0]!);
    ours = loadResult(files[1]!);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const t = threeWay(ref, ours);
  console.log(formatThreeWay(t, 'reference', 'ours', all));
  return t.rows.some((r) => r.differ) ? 1 : 0;
}

/** the files a run writes, checked before it starts: a report that cannot be written must not cost the run */
function outputFiles(values: RunOptions): { outDir: string; files: [string, string][] } {
  // the HTML always goes to --out; --json FILE moves only the JSON
  const outDir = path.resolve(values.out);
  const jsonFile = path.resolve(values.json ?? path.join(outDir, 'results.json'));
  const files: [string, string][] = [
    [values.json ? '--json' : '--out', jsonFile],
    ['--out', path.join(outDir, 'index.html')],
  ];
  if (values.junit) files.push(['--junit', values.junit]);
  if (values.snapshot) files.push(['--snapshot', values.snapshot]);
  if (values['update-baseline'] && values.baseline) files.push(['--baseline', values.baseline]);
  return { outDir, files };
}

async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const values = parseRunOptions(argv);
  if (values.quiet && values.verbose) throw new UsageError('--quiet and --verbose contradict each other');
  // a namespace a killed run left reconfigured is put back before anything else (and before it is judged in use)
  for (const l of recoverNamespaces()) console.log(l);
  if (values.fixture?.includes('all') && !values.quiet) for (const l of pmemOnThisMachine()) console.log(l);
  const plan = await buildPlan(values, argv, loadAddon);
  const baseline = readBaseline(values);
  const recorded = readRecorded(values);
  const { outDir, files } = outputFiles(values);
  checkOutputDir('--out', values.out);
  for (const [opt, f] of files) checkOutputFile(opt, f);
  let lock: OutputLock;
  try {
    lock = lockOutput(outDir, plan.command);
  } catch (e) {
    if (e instanceof LockHeld) throw new UsageError(e.message);
    throw e;
  }
  const say = (l: string) => console.log(l);
  const engine = new Engine(plan, { addon: loadAddon(), log: values.verbose ? say : () => undefined, notice: say });
  const interrupts = new Interrupts({
    say: (l) => console.error(l),
    cleanup: async () => {
      await engine.teardown();
      lock.release();
    },
  });
  // a kill that skips everything else still leaves no lock of a live-looking owner behind (the pid is gone)
  process.once('exit', lock.release);
  interrupts.install();
  try {
    if (lock.tookOver) say(`took over the lock of a run that no longer exists (pid ${lock.tookOver.pid}: ${lock.tookOver.command})`);
    for (const f of sweepStaleTemps(outDir)) say(`removed a killed run's unfinished report ${f}`);
    const { all, gates } = reporters(values, plan, baseline, recorded);
    const result = await engine.run(new ReportSet(new Multiplexer(all)), interrupts.signal);
    const stopped = interrupts.exitCode();
    if (stopped !== undefined) {
      console.log(
        `interrupted by ${interrupts.received}: ${result.cases.length} cases finished before the stop; the reports hold them, marked interrupted`,
      );
      return stopped;
    }
    if (plan.replayPath !== undefined && result.cases.some((c) => c.reason?.startsWith(REPLAY_NOTHING)))
      throw new UsageError(result.cases.find((c) => c.reason?.startsWith(REPLAY_NOTHING))!.reason!);
    // harness errors, crashes and timeouts fail the run; divergences are findings unless a baseline gates them
    const failing = result.cases.some((c) => FAILING.includes(c.verdict)) || result.fixtureErrors?.length ? 1 : 0;
    return Math.max(failing, ...gates.map((g) => g.exitCode));
  } finally {
    interrupts.uninstall();
    lock.release();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'run') return await run(rest);
    if (cmd === 'list') return await list();
    if (cmd === 'diff') return diff(rest);
    if (cmd === 'merge') return await merge(rest);
    if (cmd === 'repro') return repro(rest);
    if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
      console.log(USAGE);
      return 0;
    }
    if (cmd === '--version' || cmd === '-V') {
      console.log(`pmem-conform ${version()}`);
      return 0;
    }
    if (cmd === undefined) {
      // an invocation that does nothing is an error: usage goes to stderr
      console.error(USAGE);
      return 2;
    }
    throw new UsageError(`unknown command '${cmd}'`);
  } catch (e) {
    const err = e as Error & { code?: string };
    // parseArgs reports malformed options with ERR_PARSE_ARGS_* codes
    if (e instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS') || err.name === 'FixtureError') {
      // node's option parser explains over three lines; the first says what is wrong
      console.error(`pmem-conform: ${err.message.split('\n')[0]}`);
      return 2;
    }
    console.error(`pmem-conform: internal error: ${err.message}`);
    if (process.env.PMEM_CONFORM_DEBUG) console.error(err.stack);
    return 3;
  }
}
