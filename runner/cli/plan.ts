/**
 * From the run command's options to a Plan: which implementations, suites,
 * properties, fixtures and campaigns, checked before anything runs.
 */
import fs from 'node:fs';
import { buildVersion, resolveSoname } from '../core/environment.js';
import type { Implementation } from '../core/implementation.js';
import { companionLibpmem2, DEFAULT_LIB } from '../core/implementation.js';
import { DEFAULT_CASE_TIMEOUT_SECONDS, type ImplementationInfo } from '../core/model.js';
import type { BuildExports } from '../core/partial.js';
import type { Addon } from '../core/native.js';
import type { DurabilityImpl } from '../engine/durability/campaign.js';
import { probeBuild } from '../engine/isolation.js';
import type { ImplementationRun, Plan } from '../engine/plan.js';
import type { Fixture } from '../../fixtures/fixture.js';
import { allFixtureSpecs, isRemoteSpec, makeFixture, makeRemote } from '../../fixtures/index.js';
import type { Accel, RemoteFixture } from '../../fixtures/index.js';
import { ACCELS } from '../../fixtures/index.js';
import type { PropertyDef } from '../../properties/framework.js';
import { SUITES } from '../../suites/index.js';
import type { Suite } from '../../suites/framework.js';
import type { RunOptions } from './options.js';
import { intOption, parseImpl, UsageError } from './options.js';
import { shardHasDurability, shardOption } from './shard.js';
import { checkFixtureSpecs, checkReplayPath } from './validate.js';
import { loadCatalogue } from '../catalogue/build.js';
import { selectClauses } from '../engine/suites.js';

/** durability is not a page suite: power-cut trials in their own guest */
const DURABILITY = 'durability';
const DEFAULT_RUNS = 200;

/** buildPlan -- the plan the options describe; loads the implementations into the addon */
export async function buildPlan(values: RunOptions, argv: string[], addon: () => Addon): Promise<Plan> {
  const impls = (values.impl ?? Object.keys(DEFAULT_LIB)).map(parseImpl);
  const wantDurability = (values.suite ?? []).includes(DURABILITY) || (values.fixture ?? []).includes('all');
  const trials = values.trials !== undefined ? intOption('--trials', values.trials, 1, 10_000) : 2;
  // --replay re-runs one property's one situation: no suite runs with it
  const suites = values.replay !== undefined ? [] : selectSuites(values.suite);
  const properties = await selectProperties(values);
  const runs: ImplementationRun[] = impls
    .map((impl) => ({
      impl,
      suites: suites.filter((s) => s.implementation === impl.name),
      properties: properties.filter((p) => p.implementation === impl.name),
    }))
    .filter((r) => r.suites.length > 0 || r.properties.length > 0);
  if (runs.length === 0 && !wantDurability) throw new UsageError(`no selected suite drives ${impls.map((i) => i.name).join(' or ')}`);
  // seeds are non-negative 32-bit numbers, so every printed replay command parses as printed
  const seed = values.seed !== undefined ? intOption('--seed', values.seed, 0, 2 ** 32 - 1) : (Date.now() ^ (process.pid << 10)) >>> 0;
  const caseTimeout =
    values['case-timeout'] !== undefined ? intOption('--case-timeout', values['case-timeout'], 1, 86_400) : DEFAULT_CASE_TIMEOUT_SECONDS;
  const numRuns = values.runs !== undefined ? intOption('--runs', values.runs, 1, 10_000_000) : values.soak ? 20_000 : DEFAULT_RUNS;
  if (values.replay !== undefined && (values.seed === undefined || values.property?.length !== 1))
    throw new UsageError('--replay PATH needs --seed N and exactly one --property NAME (the failure report prints the whole command)');
  const shard = shardOption(values.shard);
  if (values.replay !== undefined) checkReplayPath(values.replay);
  if (values.grep !== undefined) checkGrep(values.grep, runs);
  checkFixtureSpecs(values.fixture ?? [], values['allow-destroy-devdax'], values['allow-destroy-pmem']);
  const accel = accelOption(values.accel);
  const { fixtures, remotes } = selectFixtures(values, wantDurability && runs.length === 0, accel);
  const stated = statedVersions(values['impl-version']);
  const implementations = await Promise.all(runs.map((r) => checkImplementation(r.impl, stated.get(r.impl.name))));
  // the runner itself calls no library under test: its own probes of the fixtures use the system libpmem2
  const loaded = addon();
  try {
    loaded.load(DEFAULT_LIB.libpmem2!);
  } catch {
    // no system libpmem2: the fixtures' SDS probe says it could not ask
  }
  return {
    runs,
    implementations,
    fixtures,
    remotes,
    forward: [
      ...forwarded(values, runs, properties.length > 0, seed, numRuns),
      '--case-timeout',
      String(caseTimeout),
      ...(shard ? ['--shard', `${shard.index}/${shard.total}`] : []),
    ],
    allowDestroyDevdax: values['allow-destroy-devdax'],
    ...(wantDurability && shardHasDurability(shard)
      ? {
          durability: {
            trials,
            implementations: impls.map((i) => i.name).filter((n): n is DurabilityImpl => n === 'libpmem2' || n === 'libpmemset'),
            // the writer loads the builds --impl named, not the defaults
            builds: Object.fromEntries(impls.filter((i) => i.path !== DEFAULT_LIB[i.name]).map((i) => [i.name, fs.realpathSync(i.path)])),
          },
        }
      : {}),
    ...(values.grep ? { grep: values.grep } : {}),
    seed,
    seeded: properties.length > 0 || wantDurability,
    numRuns,
    caseTimeoutMs: caseTimeout * 1000,
    caseTimeoutGiven: values['case-timeout'] !== undefined,
    ...(values.replay !== undefined ? { replayPath: values.replay } : {}),
    command: ['pmem-conform', 'run', ...argv].join(' '),
    ...(shard ? { shard } : {}),
  };
}

/** a --grep that selects no clause of the selected suites would run nothing (and pass): refused */
function checkGrep(grep: string, runs: ImplementationRun[]): void {
  if (grep === '') throw new UsageError('--grep needs a text to look for');
  const catalogue = loadCatalogue();
  // --grep selects properties too (selectProperties): a run that keeps one selects something
  if (runs.length > 0 && runs.every((r) => r.properties.length === 0 && selectClauses(catalogue, r.suites, grep).length === 0))
    throw new UsageError(
      `--grep '${grep}' selects no clause of the selected suites and no property (it matches clause ids, names, text and functions)`,
    );
}

function selectSuites(names: string[] | undefined): Suite[] {
  if (!names) return SUITES;
  return names
    .filter((n) => n !== DURABILITY)
    .map((n) => {
      const s = SUITES.find((x) => x.name === n);
      if (!s) throw new UsageError(`unknown suite '${n}' (known: ${SUITES.map((x) => x.name).join(', ')})`);
      return s;
    });
}

/** the pages a property reads: its own and those its model is written from */
function propertyPages(p: PropertyDef): string[] {
  return `${p.page}, ${p.reads}`.split(/,\s*/).map((x) => x.replace(/\(\d\).*$/, '').trim());
}

/**
 * selectProperties -- --property names them; otherwise --suite keeps the
 * properties that read one of the selected suites' pages and --grep those
 * whose name, title, page or functions contain the text, as it does clauses
 */
async function selectProperties(values: RunOptions): Promise<PropertyDef[]> {
  if (values['suites-only']) return [];
  // loaded only here: the properties bring fast-check, which a suites-only start need not compile
  const { PROPERTIES } = await import('../../properties/index.js');
  if (values.property)
    return values.property.map((n) => {
      const pd = PROPERTIES.find((x) => x.name === n);
      if (!pd) throw new UsageError(`unknown property '${n}' (known: ${PROPERTIES.map((x) => x.name).join(', ')})`);
      return pd;
    });
  let out = PROPERTIES;
  const named = (values.suite ?? []).filter((n) => n !== DURABILITY);
  if (values.suite) {
    const pages = new Set(selectSuites(named).flatMap((s) => s.pages));
    out = out.filter((p) => propertyPages(p).some((x) => pages.has(x)));
  }
  const needle = values.grep?.toLowerCase();
  if (needle) out = out.filter((p) => [p.name, p.title, p.page, p.function, p.reads].some((x) => x.toLowerCase().includes(needle)));
  return out;
}

/** the in-process fixtures and the remote ones; --suite durability alone needs none (it boots its own guest) */
function selectFixtures(
  values: RunOptions,
  onlyDurability: boolean,
  accel: Accel | undefined,
): { fixtures: Fixture[]; remotes: RemoteFixture[] } {
  // 'all' and a fixture named beside it are one fixture: each runs once
  const specs = [
    ...new Set(
      (values.fixture ?? ['tmpfs']).flatMap((f) => {
        if (f !== 'all') return [f];
        const all = allFixtureSpecs();
        return [...all.local, ...all.remote];
      }),
    ),
  ];
  const opts = { allowDestroyDevdax: values['allow-destroy-devdax'] };
  const fixtures = (onlyDurability && !values.fixture ? [] : specs).filter((f) => !isRemoteSpec(f)).map((f) => makeFixture(f, opts));
  const remoteOpts = { ...opts, allowDestroyPmem: values['allow-destroy-pmem'], ...(accel ? { accel } : {}) };
  const remotes = (onlyDurability ? [] : specs).filter((f) => isRemoteSpec(f)).map((f) => makeRemote(f, remoteOpts));
  return { fixtures, remotes };
}

/** --accel auto|tcg|kvm: the emulated guest's accelerator */
function accelOption(v: string | undefined): Accel | undefined {
  if (v === undefined) return undefined;
  if (!(ACCELS as readonly string[]).includes(v)) throw new UsageError(`--accel takes ${ACCELS.join(', ')}, not '${v}'`);
  return v as Accel;
}

/** the options a remote run (a guest, a forced-granularity child) repeats */
function forwarded(values: RunOptions, runs: ImplementationRun[], withProperties: boolean, seed: number, numRuns: number): string[] {
  return [
    ...runs.flatMap((r) => ['--impl', r.impl.path === DEFAULT_LIB[r.impl.name] ? r.impl.name : `${r.impl.name}=${r.impl.path}`]),
    ...(values.suite ?? []).flatMap((x) => ['--suite', x]),
    ...(values.grep ? ['--grep', values.grep] : []),
    ...(withProperties
      ? ['--seed', String(seed), '--runs', String(numRuns), ...(values.property ?? []).flatMap((x) => ['--property', x])]
      : ['--suites-only']),
  ];
}

/** checkImplementation -- loads the build in a worker (never here) and says what it is */
async function checkImplementation(impl: Implementation, stated: string | undefined): Promise<ImplementationInfo> {
  if (impl.name === 'libpmemset' && !fs.existsSync(impl.path)) {
    throw new UsageError(`${impl.path} does not exist; build it with make -C native/libpmemset (npm install does)`);
  }
  // a build named by path is loaded once in a worker first, so a bad one is refused before anything runs;
  // the defaults (the system libpmem2, our libpmemset) are known and cost no extra process (a guest's
  // node starts slowly)
  let builds: BuildExports[] = [];
  if (impl.path !== DEFAULT_LIB[impl.name]) {
    const probed = await probeBuild(impl);
    if (probed.why !== undefined) throw new UsageError(probed.why);
    builds = probed.builds;
  }
  const info: ImplementationInfo = { name: impl.name, library: impl.name, path: resolveSoname(impl.path) };
  if (impl.name === 'libpmemset') info.libpmem2 = resolveSoname(companionLibpmem2(impl));
  // a partial build: what it lacks, the libpmem2 it runs with included, and what its header declares of that
  const lacks = (f: (b: BuildExports) => string[]) =>
    builds.flatMap((b) => f(b).map((n) => (b.library === impl.name ? n : `${n} (${b.library})`)));
  if (lacks((b) => b.missing).length) info.missing = lacks((b) => b.missing);
  if (lacks((b) => b.declaredNotExported).length) info.declaredNotExported = lacks((b) => b.declaredNotExported);
  // the same build gives the same version whether named by soname or by path
  const version =
    stated ??
    (impl.name === 'libpmemset' && impl.path === DEFAULT_LIB.libpmemset ? 'pmem-conform (native/libpmemset)' : buildVersion(impl.path));
  if (version) info.version = version;
  return info;
}

/** --impl-version NAME=VERSION, for builds whose version cannot be read from the file */
function statedVersions(specs: string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of specs ?? []) {
    const [name, v] = s.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!(name in DEFAULT_LIB) || !v)
      throw new UsageError(`--impl-version takes NAME=VERSION with NAME one of ${Object.keys(DEFAULT_LIB).join(', ')}, not '${s}'`);
    out.set(name, v);
  }
  return out;
}
