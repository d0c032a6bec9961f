/**
 * The engine streams: every case reaches the reporters when it finishes,
 * before the run ends; campaigns run in their order (per implementation,
 * then once per plan); a campaign added to the list needs no reporter
 * changed; the multiplexer gives every reporter the same stream.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CaseResult, RunResult } from '../core/model.js';
import type { Addon } from '../core/native.js';
import { Multiplexer } from '../../reports/reporter.js';
import type { Reporter } from '../../reports/reporter.js';
import { makeCase } from '../../reports/testing.js';
import type { Campaign } from './campaign.js';
import { Engine } from './engine.js';
import { laneAssignment } from './properties.js';
import type { Plan } from './plan.js';

function plan(impls: string[]): Plan {
  return {
    runs: impls.map((name) => ({ impl: { name, path: `${name}.so` }, suites: [], properties: [] })),
    implementations: impls.map((name) => ({ name, library: name, path: `${name}.so` })),
    fixtures: [],
    remotes: [],
    forward: [],
    allowDestroyDevdax: false,
    seed: 5,
    seeded: true,
    numRuns: 1,
    caseTimeoutMs: 1000,
    command: 'pmem-conform run (test)',
  };
}

/** a reporter that records what it was told, and when */
function recorder(log: string[], tag: string): Reporter & { seen: CaseResult[] } {
  const seen: CaseResult[] = [];
  return {
    seen,
    begin: (s) => log.push(`${tag} begin ${s.implementations.join(',')} seed ${s.seed}`),
    case: (c) => {
      seen.push(c);
      log.push(`${tag} case ${c.clauseId}`);
    },
    end: (r: RunResult) => {
      log.push(`${tag} end ${r.cases.length}`);
    },
  };
}

test('cases stream to every reporter as they finish, in campaign order, before the end', async () => {
  const log: string[] = [];
  const perImpl: Campaign = {
    name: 'a',
    scope: 'implementation',
    run: (ctx, r) => {
      ctx.emit(makeCase({ verdict: 'pass', clauseId: `a/${r!.impl.name}`, implementation: r!.impl.name }));
      log.push(`campaign a ran for ${r!.impl.name} having seen ${ctx.cases.length}`);
    },
  };
  const once: Campaign = {
    name: 'b',
    scope: 'plan',
    run: async (ctx) => {
      ctx.emit(makeCase({ verdict: 'diverge', clauseId: 'b/once' }));
      ctx.addFixtures([{ name: 'elsewhere', kind: 'remote', capabilities: {} }]);
    },
  };
  const one = recorder(log, 'r1');
  const two = recorder(log, 'r2');
  const engine = new Engine(plan(['libpmem2', 'libpmemset']), {
    addon: {} as Addon,
    log: () => undefined,
    notice: () => undefined,
    campaigns: [once, perImpl],
  });
  const result = await engine.run(new Multiplexer([one, two]), new AbortController().signal);
  assert.deepEqual(log, [
    'r1 begin libpmem2,libpmemset seed 5',
    'r2 begin libpmem2,libpmemset seed 5',
    'r1 case a/libpmem2',
    'r2 case a/libpmem2',
    'campaign a ran for libpmem2 having seen 1',
    'r1 case a/libpmemset',
    'r2 case a/libpmemset',
    'campaign a ran for libpmemset having seen 2',
    'r1 case b/once',
    'r2 case b/once',
    'r1 end 3',
    'r2 end 3',
  ]);
  assert.deepEqual(
    result.cases.map((c) => c.clauseId),
    ['a/libpmem2', 'a/libpmemset', 'b/once'],
  );
  assert.deepEqual(one.seen, two.seen);
  assert.deepEqual(
    result.environment.fixtures.map((f) => f.name),
    ['elsewhere'],
  );
  assert.equal(result.environment.seed, 5);
});

test('a failing campaign still tears the fixtures down', async () => {
  let tornDown = 0;
  const p = plan(['libpmem2']);
  p.fixtures = [
    {
      name: 'fake',
      kind: 'fake',
      setup: async () => undefined,
      capabilities: () => ({ dax: false, mapSync: false, devdax: false, pageSize: 4096, filesystem: 'fake', appendOnly: false }),
      directory: () => '/nonexistent',
      teardown: async () => {
        tornDown++;
      },
    },
  ];
  const boom: Campaign = {
    name: 'boom',
    scope: 'plan',
    run: () => {
      throw new Error('boom');
    },
  };
  const engine = new Engine(p, { addon: {} as Addon, log: () => undefined, notice: () => undefined, campaigns: [boom] });
  await assert.rejects(engine.run(new Multiplexer([]), new AbortController().signal), /boom/);
  assert.equal(tornDown, 1);
});

test('property lanes: at most one a core, the heaviest first into the lightest lane, plan order within a lane', () => {
  const w = (...xs: (number | undefined)[]) => xs.map((weight) => (weight === undefined ? {} : { weight }));
  // the libpmemset properties' weights: two lanes of 2.0 and 2.1, not the 1.9 and 2.2 of taking them in turn
  assert.deepEqual(laneAssignment(w(0.6, 1.4, 1.3, 0.8), 2), [
    [0, 1],
    [2, 3],
  ]);
  assert.deepEqual(laneAssignment(w(2.0, 1.5, 0.9, 0.9), 2), [
    [0, 3],
    [1, 2],
  ]);
  // more cores than properties: a lane each; one core: one lane in plan order; no weight counts as 1
  assert.deepEqual(laneAssignment(w(1, 1), 8), [[0], [1]]);
  assert.deepEqual(laneAssignment(w(0.6, 1.4, undefined), 1), [[0, 1, 2]]);
  assert.deepEqual(laneAssignment(w(undefined, undefined, undefined), 2), [[0, 2], [1]]);
  assert.deepEqual(laneAssignment([], 2), []);
});
