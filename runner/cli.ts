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
import type { Addon } from './native.js';
import { coverage, runSuites, undefinedNames } from './run.js';
import { loadCatalogue } from './catalogue/build.js';
import { PROJECT_ROOT } from './catalogue/sources.js';
import { allFixtureSpecs, FIXTURES, isRemoteSpec, makeFixture, makeRemote, REMOTE_FIXTURES } from '../fixtures/index.js';
import type { RemoteFixture } from '../fixtures/index.js';
import type { Fixture } from '../fixtures/fixture.js';
import { SUITES } from '../suites/index.js';
import { PROPERTIES } from '../properties/index.js';
import { runProperties } from './properties.js';
import { durabilityFixtureInfo, runDurability } from '../suites/durability.js';

const DURABILITY = 'durability';
import type { Implementation } from '../suites/framework.js';
import { writeJson } from '../reports/json.js';
import { writeHtml } from '../reports/html.js';
import { writeJunit } from '../reports/junit.js';
import type { Baseline } from '../reports/baseline.js';
import { compareWithBaseline, formatComparison, gateExitCode, loadBaseline, updateBaseline, writeBaseline } from '../reports/baseline.js';
import { SCHEMA, summarise } from './model.js';
import type { CaseResult, FixtureInfo, ImplementationInfo, RunResult } from './model.js';

export class UsageError extends Error {}

const USAGE = `usage: pmem-conform run [--fixture NAME]... [--impl libpmem2[=PATH]] [--impl libpmemset[=PATH]]
                         [--suite NAME]... [--grep TEXT] [--out DIR] [--json FILE] [--junit FILE]
                         [--baseline FILE [--strict] [--update-baseline]] [--quiet]
                         [--property NAME]... [--seed N] [--runs N] [--replay PATH] [--soak] [--suites-only]
                         [--allow-destroy-devdax] [--suite durability [--trials N]]
       pmem-conform list            list suites, fixtures and clause counts
fixtures: ${[...Object.keys(FIXTURES), 'emulated[:MODE]', 'SPEC+force=GRAN', 'all'].join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`;

/** where each implementation is found when --impl names no path */
export const DEFAULT_LIB: Record<string, string> = {
  libpmem2: 'libpmem2.so.1',
  libpmemset: path.join(PROJECT_ROOT, 'native/libpmemset/build/libpmemset.so.1'),
};

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

function loadImplementation(addon: Addon, impl: Implementation): ImplementationInfo {
  try {
    // libpmemset suites also use libpmem2 (reservations, pmem2 sources): the system one
    if (impl.name === 'libpmem2') addon.load(impl.path);
    else {
      addon.load(DEFAULT_LIB.libpmem2!);
      if (!fs.existsSync(impl.path)) throw new Error(`${impl.path} does not exist; build it with make -C native/libpmemset (npm install does)`);
      addon.pmemsetLoad(impl.path);
    }
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const info: ImplementationInfo = { name: impl.name, library: impl.name, path: resolveSoname(impl.path) };
  const version = impl.path === DEFAULT_LIB.libpmem2 ? debianVersion('libpmem2') : impl.name === 'libpmemset' && impl.path === DEFAULT_LIB.libpmemset ? 'pmem-conform (native/libpmemset)' : undefined;
  if (version) info.version = version;
  return info;
}

/** a progress line on a terminal; nothing otherwise (the per-case lines are the progress) */
function progress(quiet: boolean) {
  const tty = process.stdout.isTTY === true;
  return (c: CaseResult, done: number, total: number) => {
    if (!quiet) console.log(caseLine(c));
    else if (tty) process.stdout.write(`\r[${done}/${total}] ${c.implementation} on ${c.fixture}   ${done === total ? '\n' : ''}`);
  };
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
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
      property: { type: 'string', multiple: true },
      seed: { type: 'string' },
      runs: { type: 'string' },
      replay: { type: 'string' },
      soak: { type: 'boolean', default: false },
      'suites-only': { type: 'boolean', default: false },
      'allow-destroy-devdax': { type: 'boolean', default: false },
      trials: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const impls = (values.impl ?? Object.keys(DEFAULT_LIB)).map(parseImpl);
  // durability is not a page suite: power-cut trials in their own guest (suites/durability.ts)
  const wantDurability = (values.suite ?? []).includes(DURABILITY) || (values.fixture ?? []).includes('all');
  const trials = values.trials !== undefined ? intOption('--trials', values.trials, 1, 10_000) : 2;
  const pageSuites = (values.suite ?? []).filter((n) => n !== DURABILITY);
  const suites = values.suite ? pageSuites.map((n) => {
    const s = SUITES.find((x) => x.name === n);
    if (!s) throw new UsageError(`unknown suite '${n}' (known: ${SUITES.map((x) => x.name).join(', ')})`);
    return s;
  }) : SUITES;
  const plan = impls.map((impl) => ({ impl, suites: suites.filter((s) => s.implementation === impl.name) })).filter((p) => p.suites.length > 0);
  if (plan.length === 0 && !wantDurability) throw new UsageError(`no selected suite drives ${impls.map((i) => i.name).join(' or ')}`);
  if (values['update-baseline'] && !values.baseline) throw new UsageError('--update-baseline needs --baseline FILE (the file to write)');
  if (values.strict && !values.baseline) throw new UsageError('--strict needs --baseline FILE');
  let baseline: Baseline | undefined;
  if (values.baseline && !(values['update-baseline'] && !fs.existsSync(values.baseline))) {
    try {
      baseline = loadBaseline(values.baseline);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const specs = (values.fixture ?? ['tmpfs']).flatMap((f) => {
    if (f !== 'all') return [f];
    const all = allFixtureSpecs();
    return [...all.local, ...all.remote];
  });
  const fixtureOpts = { allowDestroyDevdax: values['allow-destroy-devdax']! };
  // --suite durability alone needs no fixture of its own: it boots its guest
  const onlyDurability = wantDurability && plan.length === 0;
  const fixtures: Fixture[] = (onlyDurability && !values.fixture ? [] : specs).filter((f) => !isRemoteSpec(f)).map((f) => makeFixture(f, fixtureOpts));
  const remotes: RemoteFixture[] = (onlyDurability ? [] : specs).filter((f) => isRemoteSpec(f)).map((f) => makeRemote(f, fixtureOpts));
  // seeds are non-negative 32-bit numbers, so every printed replay command parses as printed
  const seed = values.seed !== undefined ? intOption('--seed', values.seed, 0, 2 ** 32 - 1) : (Date.now() ^ (process.pid << 10)) >>> 0;
  const numRuns = values.runs !== undefined ? intOption('--runs', values.runs, 1, 10_000_000) : values.soak ? 20_000 : DEFAULT_RUNS;
  const properties = values['suites-only'] ? [] : values.property ? values.property.map((n) => {
    const pd = PROPERTIES.find((x) => x.name === n);
    if (!pd) throw new UsageError(`unknown property '${n}' (known: ${PROPERTIES.map((x) => x.name).join(', ')})`);
    return pd;
  }) : PROPERTIES;
  if (values.replay !== undefined && (values.seed === undefined || values.property?.length !== 1)) throw new UsageError('--replay PATH needs --seed N and exactly one --property NAME (the failure report prints the whole command)');

  const addon = loadAddon();
  const infos = plan.map((p) => loadImplementation(addon, p.impl));
  const outDir = path.resolve(values.out!);
  const jsonFile = path.resolve(values.json ?? path.join(outDir, 'results.json'));
  const htmlFile = path.join(path.dirname(jsonFile), 'index.html');

  const ready: Fixture[] = [];
  const cleanup = async () => {
    for (const f of ready.splice(0)) await f.teardown().catch(() => undefined);
  };
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    abort.abort();
    void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    for (const f of fixtures) {
      ready.push(f);
      try {
        await f.setup();
      } catch (e) {
        throw new UsageError(`fixture ${f.name}: ${(e as Error).message}`);
      }
    }
    const startedAt = new Date().toISOString();
    const cases: CaseResult[] = [];
    const onCase = progress(values.quiet!);
    let durationMs = 0;
    const catalogue = loadCatalogue();
    for (const p of plan) {
      const t0 = Date.now();
      const suiteCases = runSuites({ suites: p.suites, fixtures, implementation: p.impl, addon, catalogue, ...(values.grep ? { grep: values.grep } : {}), onCase });
      cases.push(...suiteCases);
      durationMs += Date.now() - t0;
      const props = properties.filter((x) => x.implementation === p.impl.name);
      for (const f of fixtures) {
        if (props.length === 0) break;
        // a device DAX fixture holds no files: the properties run on the file fixtures
        if (f.kind === 'devdax') continue;
        const t0 = Date.now();
        const pc = runProperties({
          properties: props,
          fixture: f,
          implementation: p.impl,
          addon,
          seed,
          numRuns,
          ...(values.replay !== undefined ? { replayPath: values.replay } : {}),
          suiteCases: suiteCases.filter((c) => c.fixture === f.name),
          commandPrefix: `npx pmem-conform run --fixture ${f.name} --impl ${p.impl.name}${p.impl.path !== DEFAULT_LIB[p.impl.name] ? `=${p.impl.path}` : ''} --runs ${numRuns}`,
        });
        for (const c of pc) {
          cases.push(c);
          onCase(c, cases.length, cases.length);
        }
        durationMs += Date.now() - t0;
      }
    }
    // fixtures that run in another process (a QEMU guest, a forced-granularity child) run the same CLI there
    const remoteFixtures: FixtureInfo[] = [];
    for (const rf of remotes) {
      const forward = [
        ...plan.flatMap((p) => ['--impl', p.impl.path === DEFAULT_LIB[p.impl.name] ? p.impl.name : `${p.impl.name}=${p.impl.path}`]),
        ...(values.suite ?? []).flatMap((x) => ['--suite', x]),
        ...(values.grep ? ['--grep', values.grep] : []),
        ...(properties.length ? ['--seed', String(seed), '--runs', String(numRuns), ...(values.property ?? []).flatMap((x) => ['--property', x])] : ['--suites-only']),
      ];
      try {
        const rr = await rf.run({ cliArgs: forward, signal: abort.signal, onLog: (l) => { if (!values.quiet) console.log(l); }, allowDestroyDevdax: values['allow-destroy-devdax']! });
        for (const c of rr.result.cases) {
          cases.push(c);
          onCase(c, cases.length, cases.length);
        }
        remoteFixtures.push(...rr.result.environment.fixtures);
        console.log(`${rf.name}: ${rr.result.cases.length} cases in ${rr.totalSeconds.toFixed(1)} s${rr.bootSeconds !== undefined ? ` (boot to pmem ready ${rr.bootSeconds.toFixed(1)} s)` : ''}`);
        durationMs += rr.totalSeconds * 1000;
      } catch (e) {
        throw new UsageError(`fixture ${rf.name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    if (wantDurability) {
      const t0 = Date.now();
      const dimpls = impls.map((i) => i.name).filter((n): n is 'libpmem2' | 'libpmemset' => n === 'libpmem2' || n === 'libpmemset');
      const dc = await runDurability({ trials, seed, signal: abort.signal, implementations: dimpls, onLog: (l) => { if (!values.quiet) console.log(l); } });
      for (const c of dc) {
        cases.push(c);
        onCase(c, cases.length, cases.length);
      }
      remoteFixtures.push(durabilityFixtureInfo());
      console.log(`durability: ${trials} trial(s) per variant in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      durationMs += Date.now() - t0;
    }
    const result: RunResult = {
      schema: SCHEMA,
      environment: {
        ...basics(),
        fixtures: [...fixtures.map((f) => ({ name: f.name, kind: f.kind, directory: f.directory(), capabilities: { ...f.capabilities() } })), ...remoteFixtures],
        implementations: infos,
        startedAt,
        durationMs,
        command: ['pmem-conform', 'run', ...argv].join(' '),
        ...(properties.length || wantDurability ? { seed } : {}),
      },
      cases,
      coverage: coverage(catalogue, cases),
      undefinedNames: undefinedNames(catalogue),
      catalogueGaps: catalogue.gaps,
    };
    writeJson(result, jsonFile);
    writeHtml(result, htmlFile, baseline ? { baseline } : {});
    if (values.junit) writeJunit(result, path.resolve(values.junit), baseline ? { baseline } : {});
    console.log(summaryText(result));
    const s = summarise(result.cases);
    console.log(`\n${s.pass} passed, ${s.diverge} diverged, ${s.skip} skipped, ${s.error} errors`);
    if (properties.length || wantDurability) console.log(`seed ${seed}${values.seed === undefined ? ' (chosen at random; pass --seed to repeat this run)' : ''}`);
    console.log(`reports: ${rel(jsonFile)}, ${rel(htmlFile)}${values.junit ? `, ${rel(path.resolve(values.junit))}` : ''}`);
    if (values['update-baseline']) {
      writeBaseline(values.baseline!, updateBaseline(result, baseline));
      console.log(`baseline written: ${values.baseline}`);
      return s.error > 0 ? 1 : 0;
    }
    if (baseline) {
      const cmp = compareWithBaseline(result, baseline);
      console.log(formatComparison(cmp, { strict: values.strict! }));
      return gateExitCode(cmp, { strict: values.strict! });
    }
    return s.error > 0 ? 1 : 0;
  } finally {
    await cleanup();
  }
}

const DEFAULT_RUNS = 200;

function intOption(name: string, v: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(v)) throw new UsageError(`${name} takes a whole number, not '${v}'`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}`);
  return n;
}

function rel(p: string): string {
  return path.relative(process.cwd(), p) || p;
}

function list(): number {
  console.log('suites:');
  for (const s of SUITES) console.log(`  ${s.name.padEnd(24)} ${s.implementation}, pages ${s.pages.join(', ')}, ${s.cases.length} cases`);
  console.log('fixtures:');
  for (const [n, f] of Object.entries(FIXTURES)) console.log(`  ${n.padEnd(24)} ${f.describe}`);
  for (const [n, d] of Object.entries(REMOTE_FIXTURES)) console.log(`  ${n.padEnd(24)} ${d}`);
  console.log(`  ${'all'.padEnd(24)} every fixture this machine can provide`);
  console.log('properties:');
  for (const p of PROPERTIES) console.log(`  ${p.name.padEnd(32)} ${p.implementation}: ${p.title}`);
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
