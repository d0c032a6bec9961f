/**
 * pmem2_config_set_protection(3): one case per documented clause.
 */
import { codeName } from '../runner/core/constants.js';
import type { CaseDef, Suite } from './framework.js';
import { C, config, fileSource, mapNew, observed } from './pmem2_util.js';

const FN = 'pmem2_config_set_protection';

const cases: CaseDef[] = [
  {
    key: 'pmem2_config_set_protection/RETURN VALUE#1',
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
    situation: 'map a file with no protection set; a forked child reads and writes the first byte',
    run: (ctx) => {
      const { src } = fileSource(ctx, ctx.caps.pageSize);
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
];

export const suite: Suite = {
  name: 'pmem2_config_set_protection',
  implementation: 'libpmem2',
  pages: ['pmem2_config_set_protection'],
  cases,
};
