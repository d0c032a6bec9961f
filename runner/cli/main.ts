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

/** the reporters of a run, in the order their end() runs; `gate` decides the exit status when set */
function reporters(values: RunOptions, plan: Plan, baseline: Baseline | undefined): { all: Reporter[]; gate?: GateReporter } {
  const jsonFile = path.resolve(values.json ?? path.join(path.resolve(values.out), 'results.json'));
  const htmlFile = path.join(path.dirname(jsonFile), 'index.html');
  const junitFile = values.junit ? path.resolve(values.junit) : undefined;
  const withBaseline = baseline ? { baseline } : {};
  const all: Reporter[] = [new JsonReporter(jsonFile), new HtmlReporter(htmlFile, withBaseline)];
  if (junitFile) all.push(new JunitReporter(junitFile, withBaseline));
  all.push(
    new ConsoleReporter({
      quiet: values.quiet,
      files: [jsonFile, htmlFile, ...(junitFile ? [junitFile] : [])],
      randomSeed: plan.seeded && values.seed === undefined,
    }),
  );
  if (values['update-baseline']) {
    all.push(new BaselineWriter(values.baseline!, baseline, { pinVersion: values['pin-version'] }));
    return { all };
  }
  if (!baseline) return { all };
  const gate = new GateReporter(baseline, { strict: values.strict });
  all.push(gate);
  return { all, gate };
}

async function run(argv: string[]): Promise<number> {
  const values = parseRunOptions(argv);
  const plan = await buildPlan(values, argv, loadAddon);
  const baseline = readBaseline(values);
  const { all, gate } = reporters(values, plan, baseline);
  const say = (l: string) => console.log(l);
  const engine = new Engine(plan, { addon: loadAddon(), log: values.quiet ? () => undefined : say, notice: say });
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    abort.abort();
    void engine.teardown().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const result = await engine.run(new Multiplexer(all), abort.signal);
  if (gate) return gate.exitCode;
  // harness errors, crashes and timeouts fail the run; divergences are findings
  return result.cases.some((c) => FAILING.includes(c.verdict)) ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'run') return await run(rest);
    if (cmd === 'list') return list();
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      console.log(USAGE);
      return cmd === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command '${cmd}'`);
  } catch (e) {
    const err = e as Error & { code?: string };
    // parseArgs reports malformed options with ERR_PARSE_ARGS_* codes
    if (e instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS') || err.name === 'FixtureError') {
      console.error(`pmem-conform: ${err.message}`);
      return 2;
    }
    console.error(`pmem-conform: internal error: ${err.message}`);
    if (process.env.PMEM_CONFORM_DEBUG) console.error(err.stack);
    return 3;
  }
}
