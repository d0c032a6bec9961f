/**
 * pmem2_config_set_protection(3): one case per documented clause.
 */
import { codeName } from '../runner/core/constants.js';
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { C, config, fileSource, mapNew, observed, writeMedium } from './pmem2_util.js';

const FN = 'pmem2_config_set_protection';

const cases: CaseDef[] = [
  {
    key: 'pmem2_config_set_protection/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'set each of the 8 combinations of PMEM2_PROT_READ, WRITE and EXEC (PMEM2_PROT_NONE for none)',
    run: (ctx) => {
      const flags: [string, number][] = [
        ['READ', C.PROT_READ],
        ['WRITE', C.PROT_WRITE],
        ['EXEC', C.PROT_EXEC],
      ];
      const results: [string, ReturnType<typeof ctx.addon.configSetProtection>][] = [];
      for (let mask = 0; mask < 8; mask++) {
        const chosen = flags.filter((_, i) => mask & (1 << i));
        const prot = chosen.reduce((acc, [, v]) => (acc | v) >>> 0, C.PROT_NONE >>> 0);
        const name = chosen.length ? chosen.map(([n]) => n).join('|') : 'NONE';
        results.push([name, ctx.addon.configSetProtection(config(ctx), prot)]);
      }
      const details = Object.fromEntries(results.map(([n, r]) => [n, codeName(r.code)]));
      const [n, r] = results.find(([, x]) => x.code !== 0) ?? results[3]!;
      return { observed: observed(`${FN}(${n})`, r, details), permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_config_set_protection/PMEM2_E_INVALID_PROT_FLAG#1',
    fixtures: 'devdax',
    situation: 'set a protection with bit 0 (no PMEM2_PROT_* flag) set, alone and with PMEM2_PROT_READ',
    textMatches: /not valid/,
    run: (ctx) => {
      const alone = ctx.addon.configSetProtection(config(ctx), 1);
      const mixed = ctx.addon.configSetProtection(config(ctx), (C.PROT_READ | 1) >>> 0);
      const details = { 'bit 0': codeName(alone.code), 'READ | bit 0': codeName(mixed.code) };
      const o =
        codeName(alone.code) !== 'PMEM2_E_INVALID_PROT_FLAG' || codeName(mixed.code) === 'PMEM2_E_INVALID_PROT_FLAG'
          ? observed(`${FN}(1)`, alone, details)
          : observed(`${FN}(PMEM2_PROT_READ | 1)`, mixed, details);
      return { observed: o, permitted: ['PMEM2_E_INVALID_PROT_FLAG'] };
    },
  },
  {
    key: 'pmem2_config_set_protection/default protection read and write#1',
    fixtures: 'devdax',
    situation: 'map a file with no protection set; a forked child reads and writes the first byte',
    run: (ctx) => {
      const { src } = fileSource(ctx, ctx.unit);
      const r = mapNew(ctx, config(ctx), src);
      if (r.code !== 0 || !r.map) return { observed: observed('pmem2_map_new(no protection set)', r), permitted: ['0'] };
      const read = ctx.addon.forkAccess(r.map, 0, 1, 'read');
      const write = ctx.addon.forkAccess(r.map, 0, 1, 'write');
      const show = (x: typeof read) => (x.signal ? `killed by ${x.signalName}` : `exit ${x.exited}`);
      const details = { read: show(read), write: show(write) };
      let failure: string | undefined;
      if (read.signal || read.exited !== 0) failure = `a read of the mapping ${show(read)}: it is not readable`;
      else if (write.signal || write.exited !== 0) failure = `a write to the mapping ${show(write)}: it is not writable`;
      return { observed: observed('pmem2_map_new(no protection set)', r, details), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: 'pmem2_config_set_protection/PMEM2_PROT_EXEC pages may be executed#1',
    fixtures: 'devdax',
    situation:
      'a file holding a function that returns 42, mapped READ|EXEC and READ|WRITE|EXEC: a forked child calls into each map and exits with what the function returned',
    run: (ctx) => {
      const code = ctx.addon.execCode();
      if (!code) return { skip: `the addon knows no machine code for ${process.arch}` };
      const results = [
        ['READ|EXEC', C.PROT_READ | C.PROT_EXEC],
        ['READ|WRITE|EXEC', C.PROT_READ | C.PROT_WRITE | C.PROT_EXEC],
      ].map(([what, prot]) => [what as string, codeMap(ctx, code, prot as number)] as const);
      const failed = results.find(([, r]) => r.code !== 0);
      if (failed) return { observed: observed(`pmem2_map_new(${failed[0]})`, failed[1]), permitted: ['0'] };
      const ran = results.map(([what, r]) => [what, ctx.addon.forkExec(r.map!, 0)] as const);
      const details = Object.fromEntries(ran.map(([w, x]) => [w, x.signal !== undefined ? `signal ${x.signal}` : `exited ${x.exited}`]));
      const bad = ran.find(([, x]) => x.exited !== 42);
      return {
        observed: observed(`pmem2_map_new(${results[0]![0]})`, results[0]![1], details),
        permitted: ['0'],
        ...(bad ? { failure: `calling the code in the ${bad[0]} map did not return 42 (${details[bad[0]]})` } : {}),
      };
    },
  },
  {
    key: 'pmem2_config_set_protection/flags used for the mapping#1',
    fixtures: 'devdax',
    situation: 'in forked children: calling the same code in a READ|WRITE map (no EXEC) faults, and a store into a READ|EXEC map faults',
    run: (ctx) => {
      const code = ctx.addon.execCode();
      if (!code) return { skip: `the addon knows no machine code for ${process.arch}` };
      const rw = codeMap(ctx, code, C.PROT_READ | C.PROT_WRITE);
      const rx = codeMap(ctx, code, C.PROT_READ | C.PROT_EXEC);
      const [what, r] = rw.code !== 0 ? ['READ|WRITE', rw] : ['READ|EXEC', rx];
      if (rw.code !== 0 || rx.code !== 0) return { observed: observed(`pmem2_map_new(${what})`, r), permitted: ['0'] };
      const exec = ctx.addon.forkExec(rw.map!, 0);
      const store = ctx.addon.forkAccess(rx.map!, 0, 1, 'write');
      const details = {
        execWithoutExec: exec.signal !== undefined ? `signal ${exec.signal}` : `exited ${exec.exited}`,
        storeToReadExec: store.signal !== undefined ? store.signalName : `exited ${store.exited}`,
      };
      let failure: string | undefined;
      if (exec.signal === undefined) failure = `code in a map without PMEM2_PROT_EXEC ran (${details.execWithoutExec})`;
      else if (store.signal === undefined) failure = 'a store into a READ|EXEC map did not fault';
      return {
        observed: observed('pmem2_map_new(READ|WRITE and READ|EXEC)', rx, details),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_config_set_protection',
  implementation: 'libpmem2',
  pages: ['pmem2_config_set_protection'],
  cases,
};

/** codeMap -- a 1-page file whose first bytes are `code`, mapped shared with `prot` (the map is deleted at the end) */
function codeMap(ctx: CaseContext, code: Buffer, prot: number) {
  const f = fileSource(ctx, ctx.unit);
  writeMedium(ctx, f, code, 0);
  return mapNew(ctx, config(ctx, { prot }), f.src);
}
