/**
 * pmem-conform command line. Bad input (an unknown fixture, an unreadable
 * library path, a malformed option) ends in one line on stderr and exit 2;
 * a run with harness errors exits 1; divergences are findings, shown in the
 * summary, and exit 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { caseLine, summaryText } from './console.js';
import { basics, debianVersion, resolveSoname } from './environment.js';
import { loadAddon } from './native.js';
import { runSuites } from './run.js';
import { FIXTURES, makeFixture } from '../fixtures/index.js';
import type { Fixture } from '../fixtures/fixture.js';
import { SUITES } from '../suites/index.js';
import type { Implementation } from '../suites/framework.js';
import { writeJson } from '../reports/json.js';
import { summarise } from './model.js';
import type { ImplementationInfo } from './model.js';

export class UsageError extends Error {}

const USAGE = `usage: pmem-conform run [--fixture NAME] [--impl libpmem2[=PATH]] [--suite NAME]... [--grep TEXT] [--out DIR] [--json FILE] [--quiet]
       pmem-conform list            list suites, fixtures and clause counts
fixtures: ${Object.keys(FIXTURES).join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`;

const DEFAULT_LIB: Record<string, string> = { libpmem2: 'libpmem2.so.1' };

export function parseImpl(spec: string): Implementation {
  const [name, p] = spec.split(/=(.*)/s, 2) as [string, string | undefined];
  if (!(name in DEFAULT_LIB)) throw new UsageError(`unknown implementation '${name}' (known: ${Object.keys(DEFAULT_LIB).join(', ')})`);
  if (p !== undefined) {
    if (p === '') throw new UsageError(`--impl ${name}= needs a path to a shared object`);
    try {
      fs.accessSync(p, fs.constants.R_OK);
    } catch {
      throw new UsageError(`cannot read ${name} build '${p}'`);
    }
    return { name, path: path.resolve(p) };
  }
  return { name, path: DEFAULT_LIB[name]! };
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      fixture: { type: 'string', default: 'tmpfs' },
      impl: { type: 'string', default: 'libpmem2' },
      suite: { type: 'string', multiple: true },
      grep: { type: 'string' },
      out: { type: 'string', default: 'reports' },
      json: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const impl = parseImpl(values.impl!);
  const suites = values.suite ? values.suite.map((n) => {
    const s = SUITES.find((x) => x.name === n);
    if (!s) throw new UsageError(`unknown suite '${n}' (known: ${SUITES.map((x) => x.name).join(', ')})`);
    return s;
  }) : SUITES;
  const chosen = suites.filter((s) => s.implementation === impl.name);
  if (chosen.length === 0) throw new UsageError(`no selected suite drives ${impl.name}`);
  const fixture = makeFixture(values.fixture!);

  const addon = loadAddon();
  try {
    addon.load(impl.path);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const outDir = path.resolve(values.out!);
  const jsonFile = path.resolve(values.json ?? path.join(outDir, 'results.json'));

  const fixtures: Fixture[] = [fixture];
  const cleanup = async () => {
    for (const f of fixtures) await f.teardown().catch(() => undefined);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    try {
      await fixture.setup();
    } catch (e) {
      throw new UsageError(`fixture ${fixture.name}: ${(e as Error).message}`);
    }
    const resolved = resolveSoname(impl.path);
    const info: ImplementationInfo = { name: impl.name, library: impl.name, path: resolved };
    const version = impl.path === DEFAULT_LIB[impl.name] ? debianVersion(impl.name) : undefined;
    if (version) info.version = version;
    const result = await runSuites(
      { suites: chosen, fixtures, implementation: impl, addon, ...(values.grep ? { grep: values.grep } : {}), onCase: (c) => { if (!values.quiet) console.log(caseLine(c)); } },
      {
        ...basics(),
        fixtures: fixtures.map((f) => ({ name: f.name, kind: f.kind, directory: f.directory(), capabilities: { ...f.capabilities() } })),
        implementations: [info],
        startedAt: new Date().toISOString(),
        command: ['pmem-conform', 'run', ...argv].join(' '),
      },
    );
    writeJson(result, jsonFile);
    console.log(summaryText(result));
    const s = summarise(result.cases);
    console.log(`\n${s.pass} passed, ${s.diverge} diverged, ${s.skip} skipped, ${s.error} errors; JSON report: ${path.relative(process.cwd(), jsonFile) || jsonFile}`);
    return s.error > 0 ? 1 : 0;
  } finally {
    await cleanup();
  }
}

function list(): number {
  console.log('suites:');
  for (const s of SUITES) console.log(`  ${s.name.padEnd(24)} ${s.implementation}, pages ${s.pages.join(', ')}, ${s.cases.length} cases`);
  console.log('fixtures:');
  for (const [n, f] of Object.entries(FIXTURES)) console.log(`  ${n.padEnd(24)} ${f.describe}`);
  return 0;
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
