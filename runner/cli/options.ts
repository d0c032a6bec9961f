/**
 * The run command's options: their parser, the usage text, and the checks
 * that turn bad input into one line and exit 2 (UsageError).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Implementation } from '../core/implementation.js';
import { DEFAULT_LIB } from '../core/implementation.js';
import { FIXTURES } from '../../fixtures/index.js';
import { SUITES } from '../../suites/index.js';

export class UsageError extends Error {}

export const USAGE = `usage: pmem-conform run [--fixture NAME]... [--impl libpmem2[=PATH]] [--impl libpmemset[=PATH]]
                         [--suite NAME]... [--grep TEXT] [--out DIR] [--json FILE] [--junit FILE]
                         [--baseline FILE [--strict] [--update-baseline [--pin-version]]] [--impl-version NAME=VERSION] [--quiet|--verbose]
                         [--property NAME]... [--seed N] [--runs N] [--replay PATH] [--soak] [--suites-only]
                         [--allow-destroy-devdax] [--allow-destroy-pmem] [--accel auto|tcg|kvm]
                         [--suite durability [--trials N]] [--case-timeout SECONDS]
                         [--snapshot FILE] [--compare FILE] [--shard I/N]
       pmem-conform merge A.json B.json... [--out DIR] [--json FILE] [--junit FILE] [--baseline FILE [--strict]]
       pmem-conform repro CASE-ID [--from results.json] [--out DIR]
       pmem-conform diff A.json B.json   what changed between two runs (results.json or snapshots)
       pmem-conform diff --three-way [--all] REFERENCE.json OURS.json
                                         page, reference build (e.g. PMDK's libpmemset) and ours, per clause
       pmem-conform list            list suites, fixtures and clause counts
fixtures: ${[...Object.keys(FIXTURES), 'emulated[:MODE]', 'namespace:NS', 'SPEC+force=GRAN', 'all'].join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`;

const OPTIONS = {
  fixture: { type: 'string', multiple: true },
  impl: { type: 'string', multiple: true },
  suite: { type: 'string', multiple: true },
  grep: { type: 'string' },
  out: { type: 'string', default: 'reports' },
  json: { type: 'string' },
  junit: { type: 'string' },
  baseline: { type: 'string' },
  strict: { type: 'boolean', default: false },
  'update-baseline': { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
  property: { type: 'string', multiple: true },
  seed: { type: 'string' },
  runs: { type: 'string' },
  replay: { type: 'string' },
  soak: { type: 'boolean', default: false },
  'suites-only': { type: 'boolean', default: false },
  'allow-destroy-devdax': { type: 'boolean', default: false },
  'allow-destroy-pmem': { type: 'boolean', default: false },
  accel: { type: 'string' },
  trials: { type: 'string' },
  'case-timeout': { type: 'string' },
  'impl-version': { type: 'string', multiple: true },
  'pin-version': { type: 'boolean', default: false },
  snapshot: { type: 'string' },
  compare: { type: 'string' },
  shard: { type: 'string' },
} as const;

export type RunOptions = ReturnType<typeof parseRunOptions>;

/** options that take a number: a negative one ("--runs -1") is a value to refuse by name, not an unknown option */
const NUMERIC = new Set(['--seed', '--runs', '--trials', '--case-timeout']);

/** parseRunOptions -- the run command's options as given (parseArgs reports unknown or malformed ones) */
export function parseRunOptions(argv: string[]) {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (NUMERIC.has(a) && next !== undefined && /^-/.test(next) && !next.startsWith('--')) {
      args.push(`${a}=${next}`);
      i++;
    } else args.push(a);
  }
  return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values;
}

/** wantsHelp -- run --help / -h, whatever else is on the line */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** parseImpl -- "NAME" or "NAME=PATH" of --impl; the path must be readable */
export function parseImpl(spec: string): Implementation {
  const [name, p] = spec.split(/=(.*)/s, 2) as [string, string | undefined];
  if (!(name in DEFAULT_LIB)) throw new UsageError(`unknown implementation '${name}' (known: ${Object.keys(DEFAULT_LIB).join(', ')})`);
  if (p === undefined) return { name, path: DEFAULT_LIB[name]! };
  if (p === '') throw new UsageError(`--impl ${name}= needs a path to a shared object`);
  try {
    fs.accessSync(p, fs.constants.R_OK);
  } catch {
    throw new UsageError(`cannot read ${name} build '${p}'`);
  }
  return { name, path: path.resolve(p) };
}

/** intOption -- a whole number between min and max, or a UsageError naming the option */
export function intOption(name: string, v: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(v)) throw new UsageError(`${name} takes a whole number, not '${v}'`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, not ${v}`);
  return n;
}
