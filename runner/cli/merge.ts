/**
 * pmem-conform merge A.json B.json ...: one report from the shards of a run
 * and the runs of many hosts (reports/merge.ts), written as the run command
 * writes its own (results.json, index.html, JUnit) and held against a
 * baseline over the whole. Exit 1 when the baseline gate fails or a case
 * is error, crash or timeout; 2 for bad input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RunResult } from '../core/model.js';
import { FAILING } from '../core/model.js';
import { compareWithBaseline, formatComparison, gateExitCode, loadBaseline } from '../../reports/baseline.js';
import type { Baseline } from '../../reports/baseline.js';
import { summaryText } from '../../reports/console.js';
import { HtmlReporter } from '../../reports/html.js';
import { writeJson } from '../../reports/json.js';
import { JunitReporter } from '../../reports/junit.js';
import type { MergeInput } from '../../reports/merge.js';
import { formatHostDifferences, MergeError, mergeResults } from '../../reports/merge.js';
import { ReproReporter } from '../../reports/repro.js';
import { UsageError } from './options.js';

const MERGE_OPTIONS = {
  out: { type: 'string', default: 'reports' },
  json: { type: 'string' },
  junit: { type: 'string' },
  baseline: { type: 'string' },
  strict: { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
} as const;

/** readInput -- "FILE" or "LABEL=FILE" (a label names the host); the file must be a results.json */
function readInput(arg: string): MergeInput {
  const m = /^([^=/]+)=(.+)$/.exec(arg);
  const file = m && !fs.existsSync(arg) ? m[2]! : arg;
  const label = m && !fs.existsSync(arg) ? m[1]! : undefined;
  let result: RunResult;
  try {
    result = JSON.parse(fs.readFileSync(file, 'utf8')) as RunResult;
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  return { file, result, ...(label ? { label } : {}) };
}

/** merge -- the merge command; returns the exit status */
export async function merge(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: MERGE_OPTIONS, strict: true, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError('merge takes the reports to merge: pmem-conform merge A.json B.json ... [--out DIR]');
  if (values.strict && !values.baseline) throw new UsageError('--strict needs --baseline FILE');
  let baseline: Baseline | undefined;
  if (values.baseline) {
    try {
      baseline = loadBaseline(values.baseline);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const inputs = positionals.map(readInput);
  let merged: ReturnType<typeof mergeResults>;
  try {
    merged = mergeResults(inputs, ['pmem-conform', 'merge', ...argv].join(' '));
  } catch (e) {
    if (e instanceof MergeError) throw new UsageError(e.message);
    throw e;
  }
  const jsonFile = path.resolve(values.json ?? path.join(path.resolve(values.out), 'results.json'));
  const htmlFile = path.join(path.dirname(jsonFile), 'index.html');
  const withBaseline = baseline ? { baseline } : {};
  writeJson(merged, jsonFile);
  new HtmlReporter(htmlFile, { ...withBaseline, title: 'pmem-conform merged report' }).end(merged);
  new ReproReporter(path.join(path.dirname(jsonFile), 'repro')).end(merged);
  if (values.junit) new JunitReporter(path.resolve(values.junit), withBaseline).end(merged);
  if (!values.quiet) console.log(summaryText(merged));
  console.log(formatHostDifferences(merged));
  let gate: 0 | 1 = 0;
  if (baseline) {
    const cmp = compareWithBaseline(merged, baseline);
    console.log(formatComparison(cmp, { strict: values.strict }));
    gate = gateExitCode(cmp, { strict: values.strict });
  }
  const files = [jsonFile, htmlFile, ...(values.junit ? [path.resolve(values.junit)] : [])];
  console.log(
    `merged ${inputs.length} reports, ${merged.cases.length} cases: ${files.map((f) => path.relative(process.cwd(), f) || f).join(', ')}`,
  );
  return Math.max(gate, merged.cases.some((c) => FAILING.includes(c.verdict)) ? 1 : 0);
}
