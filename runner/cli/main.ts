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
import { loadAddon } from '../core/native.js';
import { Engine } from '../engine/engine.js';
import type { Plan } from '../engine/plan.js';
import type { Baseline } from '../../reports/baseline.js';
import { loadBaseline } from '../../reports/baseline.js';
import { ConsoleReporter } from '../../reports/console.js';
import { BaselineWriter, GateReporter } from '../../reports/gate.js';
import type { Snapshot } from '../../reports/snapshot.js';
import { CompareReporter, diffSnapshots, formatDiff, loadSnapshot, SnapshotWriter } from '../../reports/snapshot.js';
import { HtmlReporter } from '../../reports/html.js';
import { JsonReporter } from '../../reports/json.js';
import { JunitReporter } from '../../reports/junit.js';
import type { Reporter } from '../../reports/reporter.js';
import { Multiplexer } from '../../reports/reporter.js';
import { list } from './list.js';
import type { RunOptions } from './options.js';
import { parseRunOptions, USAGE, UsageError } from './options.js';
import { buildPlan } from './plan.js';

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
  const all: Reporter[] = [new JsonReporter(jsonFile), new HtmlReporter(htmlFile, withBaseline)];
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

/** pmem-conform diff A B: what changed between two runs; exit 1 when anything did */
function diff(args: string[]): number {
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

async function run(argv: string[]): Promise<number> {
  const values = parseRunOptions(argv);
  if (values.quiet && values.verbose) throw new UsageError('--quiet and --verbose contradict each other');
  const plan = await buildPlan(values, argv, loadAddon);
  const baseline = readBaseline(values);
  const { all, gates } = reporters(values, plan, baseline, readRecorded(values));
  const say = (l: string) => console.log(l);
  const engine = new Engine(plan, { addon: loadAddon(), log: values.verbose ? say : () => undefined, notice: say });
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    abort.abort();
    void engine.teardown().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const result = await engine.run(new Multiplexer(all), abort.signal);
  // harness errors, crashes and timeouts fail the run; divergences are findings unless a baseline gates them
  const failing = result.cases.some((c) => FAILING.includes(c.verdict)) ? 1 : 0;
  return Math.max(failing, ...gates.map((g) => g.exitCode));
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'run') return await run(rest);
    if (cmd === 'list') return list();
    if (cmd === 'diff') return diff(rest);
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      console.log(USAGE);
      return cmd === undefined ? 2 : 0;
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
