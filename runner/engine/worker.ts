/**
 * The worker: the only process that calls the library under test. It
 * loads the implementation, runs the units it is given in order and
 * reports each step to the parent (isolation.ts) before taking the next,
 * so a crash or hang in the library costs the parent this process, never
 * a result it was already sent.
 */
import { loadCatalogue } from '../catalogue/build.js';
import type { Implementation } from '../core/implementation.js';
import { companionLibpmem2 } from '../core/implementation.js';
import type { CaseResult } from '../core/model.js';
import { loadAddon } from '../core/native.js';
import { dieWithParent, PARENT_PID_ENV } from '../core/ownership.js';
import type { Addon } from '../core/native.js';
import type { Fixture } from '../../fixtures/fixture.js';
import type { Job, Unit, WorkerMessage } from './isolation.js';
import { loadedBuild, runClause } from './suites.js';

/** send -- one message to the parent, resolved once it is written: nothing may be lost to a crash after it */
let fatalSent = false;

function send(m: WorkerMessage): Promise<void> {
  if (m.type === 'fatal') fatalSent = true;
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('the worker has no IPC channel to its parent'));
    process.send(m, undefined, {}, (e) => (e ? reject(e) : resolve()));
  });
}

/** the implementation this worker loaded: a worker the parent keeps for the next job gets only jobs of the same one */
let loaded: { impl: string; addon: Addon } | undefined;

function load(job: Job): Addon {
  const key = JSON.stringify(job.impl);
  if (loaded) {
    if (loaded.impl !== key) throw new Error(`this worker loaded ${loaded.impl}, not ${key}`);
    return loaded.addon;
  }
  const addon = loadAddon();
  if (job.impl.name === 'libpmem2') addon.load(job.impl.path);
  else {
    // libpmemset suites also use libpmem2 (reservations, pmem2 sources): the one the build links, loaded
    // first so the build's own DT_NEEDED libpmem2.so.1 resolves to this same copy by its soname
    addon.load(companionLibpmem2(job.impl));
    addon.pmemsetLoad(job.impl.path);
  }
  loaded = { impl: key, addon };
  return addon;
}

function fixtureOf(job: Job): Fixture {
  const f = job.fixture;
  return {
    name: f.name,
    kind: f.kind,
    setup: async () => undefined,
    teardown: async () => undefined,
    directory: () => f.directory,
    capabilities: () => f.capabilities,
  };
}

/** what a unit is doing, for the parent to say when the worker dies in it */
function activity(unit: Unit, job: Job): string {
  return unit.type === 'clause'
    ? `running the case of ${unit.clauseId} on ${job.fixture.name}`
    : `running property ${unit.name} on ${job.fixture.name}`;
}

async function runUnit(
  unit: Unit,
  job: Job,
  addon: Addon,
  catalogue: ReturnType<typeof loadCatalogue>,
  fixture: Fixture,
): Promise<CaseResult[]> {
  if (unit.type === 'clause') {
    // a worker loads the suites, or the properties and fast-check, only for a unit that needs them:
    // most workers run one kind, and loading the other was a good part of their start
    const { SUITES } = await import('../../suites/index.js');
    const suite = SUITES.find((s) => s.name === unit.suite);
    const clause = catalogue.clauses.find((c) => c.id === unit.clauseId);
    if (!suite || !clause) throw new Error(`unknown unit ${unit.suite}/${unit.clauseId}`);
    return [
      runClause(
        { suite, clause },
        fixture,
        { suites: [suite], fixtures: [fixture], implementation: job.impl, addon, catalogue },
        catalogue,
      ),
    ];
  }
  const [{ PROPERTIES }, { runProperties }] = await Promise.all([import('../../properties/index.js'), import('./properties.js')]);
  const property = PROPERTIES.find((p) => p.name === unit.name);
  if (!property) throw new Error(`unknown property ${unit.name}`);
  return runProperties({
    properties: [property],
    fixture,
    implementation: job.impl,
    addon,
    seed: job.seed,
    numRuns: job.numRuns,
    ...(job.replayPath !== undefined ? { replayPath: job.replayPath } : {}),
    suiteCases: job.suiteCases,
    commandPrefix: job.commandPrefix,
  });
}

async function work(job: Job, offset: number): Promise<void> {
  let addon: Addon;
  let catalogue: ReturnType<typeof loadCatalogue>;
  try {
    addon = load(job);
    catalogue = loadCatalogue();
  } catch (e) {
    await send({ type: 'fatal', message: (e as Error).message });
    return;
  }
  const fixture = fixtureOf(job);
  for (const [i, unit] of job.units.entries()) {
    const index = offset + i;
    await send({ type: 'start', index, what: activity(unit, job) });
    for (const result of await runUnit(unit, job, addon, catalogue, fixture)) await send({ type: 'case', index, result });
    await send({ type: 'unit-done', index });
  }
}

/** serve -- the worker's life: tasks from the parent, one at a time, until the parent lets it go or dies */
function serve(): void {
  // the parent's death ends the worker: the IPC channel closes with it, and a worker stuck in a library
  // call (which never sees the channel close) is killed by the kernel (PR_SET_PDEATHSIG)
  process.on('disconnect', () => process.exit(0));
  dieWithParent(loadAddon(), 'SIGKILL', Number(process.env[PARENT_PID_ENV] ?? process.ppid));
  // one task at a time: after each the worker says it is idle, and the parent either gives it the next job
  // of the same implementation (isolation.ts keeps it) or lets it go (the channel closes: 'disconnect' above)
  process.on('message', (m: { job: Job; offset: number } | { probe: Implementation }) => {
    const task =
      'probe' in m
        ? (async () => {
            try {
              const addon = load({ impl: m.probe } as Job);
              const opts = { addon, implementation: m.probe };
              const builds =
                m.probe.name === 'libpmemset'
                  ? [loadedBuild('libpmemset', opts), loadedBuild('libpmem2', opts)]
                  : [loadedBuild('libpmem2', opts)];
              await send({ type: 'loaded', builds });
            } catch (e) {
              await send({ type: 'fatal', message: (e as Error).message });
            }
          })()
        : work(m.job, m.offset);
    task
      .catch(async (e) => {
        await send({ type: 'fatal', message: (e as Error).stack ?? String(e) }).catch(() => undefined);
      })
      // a task that failed leaves a worker not worth keeping: it goes, closing its own channel (the parent's
      // 'close' counts on that); a whole one waits to be given the next job or let go
      .finally(() => (fatalSent ? process.disconnect() : send({ type: 'idle' }).catch(() => process.exit(0))));
  });
}

/**
 * warmUp -- a worker started by hand (no channel to a parent) loads what its
 * jobs load and ends: how the guest runtime's bundle gets a code cache that
 * holds the suites' and properties' compiled code (fixtures/guest-bundle.ts)
 */
function warmUp(): void {
  void Promise.all([import('../../suites/index.js'), import('../../properties/index.js'), import('./properties.js')]).then(() =>
    process.exit(0),
  );
}

if (process.send) serve();
else warmUp();
