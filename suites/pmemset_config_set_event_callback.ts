/**
 * pmemset_config_set_event_callback(3): each event type the page describes,
 * delivered with its context. The addon's callback records every event
 * (type, addresses, length, flags, value) into a log per config; a case
 * takes the log after the calls. The addon does not record the source
 * pointers of PART_ADD, SDS_UPDATE and BADBLOCK*: those fields are not
 * checked. Our library also fires PMEMSET_EVENT_PERSIST (which the page does
 * not describe) before FLUSH in pmemset_persist (native/libpmemset/README.md,
 * choice 16); cases about FLUSH/DRAIN look at those two types only.
 */
import { codeName } from '../runner/core/constants.js';
import type { SetEvent } from '../runner/core/native.js';
import type { CaseContext, CaseDef, Outcome, Suite } from './framework.js';
import { check, hex, observed } from './pmem2_util.js';
import { fileSource, newSet, S } from './pmemset_util.js';
import { E, keep, labelled, page, showEvents, voidOutcome } from './pmemset_page_util.js';
import { BAD_PAGES, FILE_PAGES, judgeBadblockEvents, judgeCleared, mapWithBadblocks, SYSFS_BADBLOCKS, showRun } from './sysfs_badblocks.js';

const FN = 'pmemset_config_set_event_callback';

/** a set with an event callback and one mapped part of `pages` pages; the log is emptied */
function setup(ctx: CaseContext, pages = 1, coalescing?: number) {
  const { set, log } = newSet(ctx, { events: true, ...(coalescing !== undefined ? { coalescing } : {}) });
  const { src } = fileSource(ctx, pages * page(ctx));
  const m = ctx.addon.setMap(set, src, null, true);
  check('pmemset_map', m);
  ctx.addon.setEventsTake(log!);
  return { set, log: log!, part: m.descriptor! };
}

const is = (e: SetEvent | undefined, type: string, addr?: bigint, len?: bigint) =>
  e !== undefined && e.type === type && (addr === undefined || e.addr === addr) && (len === undefined || e.len === len);

/** the outcome: `ok` labels the documented delivery, otherwise the events seen are the observation */
function delivered(at: string, ev: SetEvent[], ok: boolean, want: string, details?: Record<string, string | number | boolean>): Outcome {
  return labelled(at, ok ? want : showEvents(ev), want, { events: showEvents(ev), ...(details ?? {}) });
}

const cases: CaseDef[] = [
  {
    key: `${FN}/RETURN VALUE#1`,
    situation: 'set a callback in a config, make the set and map a part: the callback is called',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, log } = newSet(ctx, { events: true });
      const { src } = fileSource(ctx, page(ctx));
      check('pmemset_map', ctx.addon.setMap(set, src, null, false));
      const ev = ctx.addon.setEventsTake(log!);
      return voidOutcome(
        `${FN}(cfg, callback, arg)`,
        ev.length ? undefined : 'the callback set in the config was never called while mapping a part',
        { events: showEvents(ev) },
      );
    },
  },
  {
    key: `${FN}/FLUSH before flush or persist completes#1`,
    situation: 'pmemset_flush(addr, 100) and pmemset_persist(addr2, 200): one FLUSH each, carrying the addr and len passed',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, log, part } = setup(ctx);
      const a1 = part.addr + 64n;
      const a2 = part.addr + 1024n;
      check('pmemset_flush', ctx.addon.setFlush(set, a1, 100));
      const evFlush = ctx.addon.setEventsTake(log).filter((e) => e.type === 'FLUSH');
      check('pmemset_persist', ctx.addon.setPersist(set, a2, 200));
      const evPersist = ctx.addon.setEventsTake(log).filter((e) => e.type === 'FLUSH');
      const ok = evFlush.length === 1 && is(evFlush[0], 'FLUSH', a1, 100n) && evPersist.length === 1 && is(evPersist[0], 'FLUSH', a2, 200n);
      return delivered('pmemset_flush then pmemset_persist', [...evFlush, ...evPersist], ok, 'one FLUSH(addr, len) per call', {
        flushAddr: hex(a1),
        persistAddr: hex(a2),
      });
    },
  },
  {
    key: `${FN}/DRAIN after drain or persist#1`,
    situation: 'pmemset_drain, then pmemset_persist: each fires a DRAIN',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, log, part } = setup(ctx);
      check('pmemset_drain', ctx.addon.setDrain(set));
      const evDrain = ctx.addon.setEventsTake(log);
      check('pmemset_persist', ctx.addon.setPersist(set, part.addr, 64));
      const evPersist = ctx.addon.setEventsTake(log);
      const ok = evDrain.filter((e) => e.type === 'DRAIN').length === 1 && evPersist.filter((e) => e.type === 'DRAIN').length === 1;
      return delivered('pmemset_drain then pmemset_persist', [...evDrain, ...evPersist], ok, 'one DRAIN per call');
    },
  },
  {
    key: `${FN}/persist: DRAIN after FLUSH#1`,
    situation: 'pmemset_persist(addr, 300): FLUSH(addr, 300), then DRAIN',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, log, part } = setup(ctx);
      const a = part.addr + 8n;
      check('pmemset_persist', ctx.addon.setPersist(set, a, 300));
      const ev = ctx.addon.setEventsTake(log);
      const fd = ev.filter((e) => e.type === 'FLUSH' || e.type === 'DRAIN');
      const ok = fd.length === 2 && is(fd[0], 'FLUSH', a, 300n) && is(fd[1], 'DRAIN');
      return delivered('pmemset_persist', ev, ok, 'FLUSH(addr, len) then DRAIN');
    },
  },
  {
    key: `${FN}/COPY, MOVE, SET with their arguments#1`,
    situation:
      'pmemset_memcpy(dst, buf, 10, NODRAIN), pmemset_memmove(dst+32, dst, 10, 0), pmemset_memset(dst+64, 0x5a, 16, 0): COPY, MOVE and SET carry the arguments',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, log, part } = setup(ctx);
      const dst = part.addr + 128n;
      ctx.addon.setMemcpy(set, dst, Buffer.from('0123456789'), E.NODRAIN);
      const copy = ctx.addon.setEventsTake(log).filter((e) => e.type === 'COPY');
      ctx.addon.setMemmove(set, dst + 32n, dst, 10, 0);
      const move = ctx.addon.setEventsTake(log).filter((e) => e.type === 'MOVE');
      ctx.addon.setMemset(set, dst + 64n, 0x5a, 16, 0);
      const sets = ctx.addon.setEventsTake(log).filter((e) => e.type === 'SET');
      const problems: string[] = [];
      if (copy.length !== 1 || copy[0]!.addr !== dst || copy[0]!.len !== 10n || copy[0]!.flags !== E.NODRAIN || copy[0]!.src === 0n)
        problems.push(
          `COPY: ${JSON.stringify(copy.map((e) => ({ dest: hex(e.addr), src: hex(e.src), len: String(e.len), flags: e.flags })))}`,
        );
      if (move.length !== 1 || move[0]!.addr !== dst + 32n || move[0]!.src !== dst || move[0]!.len !== 10n || move[0]!.flags !== 0)
        problems.push(
          `MOVE: ${JSON.stringify(move.map((e) => ({ dest: hex(e.addr), src: hex(e.src), len: String(e.len), flags: e.flags })))}`,
        );
      if (sets.length !== 1 || sets[0]!.addr !== dst + 64n || sets[0]!.value !== 0x5a || sets[0]!.len !== 16n || sets[0]!.flags !== 0)
        problems.push(
          `SET: ${JSON.stringify(sets.map((e) => ({ dest: hex(e.addr), value: e.value, len: String(e.len), flags: e.flags })))}`,
        );
      return labelled(
        'pmemset_memcpy/memmove/memset',
        problems.length ? problems.join('; ') : 'COPY, MOVE, SET with the arguments',
        'COPY, MOVE, SET with the arguments',
        { dst: hex(dst) },
      );
    },
  },
  {
    key: `${FN}/one DRAIN at the end of memcpy unless NODRAIN#1`,
    situation: 'memcpy, memmove and memset with flags 0 each fire exactly one DRAIN, after their COPY/MOVE/SET; with NODRAIN none',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, log, part } = setup(ctx);
      const dst = part.addr + 256n;
      const runs: [string, () => void][] = [
        ['memcpy', () => void ctx.addon.setMemcpy(set, dst, Buffer.from('abcdefgh'), 0)],
        ['memmove', () => void ctx.addon.setMemmove(set, dst + 16n, dst, 8, 0)],
        ['memset', () => void ctx.addon.setMemset(set, dst + 32n, 1, 8, 0)],
        ['memcpy NODRAIN', () => void ctx.addon.setMemcpy(set, dst, Buffer.from('abcdefgh'), E.NODRAIN)],
      ];
      const problems: string[] = [];
      for (const [name, call] of runs) {
        call();
        const ev = ctx.addon.setEventsTake(log);
        const drains = ev.filter((e) => e.type === 'DRAIN').length;
        const want = name.endsWith('NODRAIN') ? 0 : 1;
        if (drains !== want || (want === 1 && ev[ev.length - 1]?.type !== 'DRAIN')) problems.push(`${name}: ${showEvents(ev)}`);
      }
      return labelled(
        'pmemset_memcpy/memmove/memset',
        problems.length ? problems.join('; ') : 'one final DRAIN unless NODRAIN',
        'one final DRAIN unless NODRAIN',
      );
    },
  },
  {
    key: `${FN}/no FLUSH or DRAIN from inside memcpy#1`,
    situation: 'pmemset_memcpy with flags 0: the events are COPY and the one final DRAIN, no FLUSH',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, log, part } = setup(ctx);
      ctx.addon.setMemcpy(set, part.addr, Buffer.alloc(3000, 7), 0);
      const ev = ctx.addon.setEventsTake(log);
      const ok = ev.length === 2 && is(ev[0], 'COPY') && is(ev[1], 'DRAIN');
      return delivered('pmemset_memcpy(3000 bytes, flags 0)', ev, ok, 'COPY, DRAIN');
    },
  },
  {
    key: `${FN}/return value ignored without error handling#1`,
    situation:
      'a callback that returns 1: pmemset_flush, pmemset_drain and pmemset_persist still return 0 and pmemset_memcpy returns pmemdest',
    fixtures: 'devdax',
    run: (ctx) => {
      const a = ctx.addon;
      const { set, log } = newSet(ctx, { events: { returnCode: 1 } });
      const { src } = fileSource(ctx, page(ctx));
      const m = a.setMap(set, src, null, true);
      if (m.code !== 0)
        return {
          skip: `pmemset_map failed (${codeName(m.code)}) with a callback returning 1; the page does not say whether PART_ADD supports error handling`,
        };
      const d = m.descriptor!;
      const got = [
        ['pmemset_flush', a.setFlush(set, d.addr, 64).code],
        ['pmemset_drain', a.setDrain(set).code],
        ['pmemset_persist', a.setPersist(set, d.addr, 64).code],
      ] as const;
      const bad = got.filter(([, code]) => code !== 0);
      const ret = a.setMemcpy(set, d.addr + 128n, Buffer.from('x'), 0);
      const ev = a.setEventsTake(log!);
      if (bad.length) return { observed: observed(bad[0]![0], { code: bad[0]![1] }, { events: showEvents(ev) }), permitted: ['0'] };
      return labelled('pmemset_memcpy with a callback returning 1', ret === d.addr + 128n ? 'pmemdest' : hex(ret), 'pmemdest', {
        events: showEvents(ev),
      });
    },
  },
  {
    key: `${FN}/PART_ADD for each new part#1`,
    situation: 'FULL coalescing, two parts (1 and 2 pages): one PART_ADD per part, each with the address and length of that part',
    note: 'The src field (the source of the part) is not recorded by the addon and is not checked.',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, log } = newSet(ctx, { events: true, coalescing: S.FULL });
      const parts = [];
      for (const n of [1, 2]) {
        const { src } = fileSource(ctx, n * page(ctx));
        const m = ctx.addon.setMap(set, src, null, true);
        check(`pmemset_map(part ${n})`, m);
        parts.push(m.descriptor!);
      }
      const ev = ctx.addon.setEventsTake(log!);
      const adds = ev.filter((e) => e.type === 'PART_ADD');
      const ok = adds.length === 2 && parts.every((d, i) => is(adds[i], 'PART_ADD', d.addr, d.size));
      return delivered('pmemset_map of two parts', ev, ok, 'one PART_ADD(addr, len) per part', {
        parts: parts.map((d) => `${hex(d.addr)} +${d.size}`).join(', '),
      });
    },
  },
  {
    key: `${FN}/PART_REMOVE for each part mapping removed#1`,
    situation: 'pmemset_remove_part_map of a 2-page part map: one PART_REMOVE with its address and length',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, log, part } = setup(ctx, 2);
      const pm = keep(ctx, ctx.addon.setFirstPartMap(set).partMap);
      if (!pm) return { skip: 'pmemset_first_part_map found no part map (see its suite)' };
      check('pmemset_remove_part_map', ctx.addon.setRemovePartMap(set, pm));
      const ev = ctx.addon.setEventsTake(log);
      const rem = ev.filter((e) => e.type === 'PART_REMOVE');
      return delivered(
        'pmemset_remove_part_map',
        ev,
        rem.length === 1 && is(rem[0], 'PART_REMOVE', part.addr, part.size),
        'one PART_REMOVE(addr, len)',
      );
    },
  },
  {
    key: `${FN}/REMOVE_RANGE for each range removed#1`,
    situation: 'pmemset_remove_range(addr+10, 20) inside a part: one REMOVE_RANGE carrying addr+10 and 20',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, log, part } = setup(ctx);
      check('pmemset_remove_range', ctx.addon.setRemoveRange(set, part.addr + 10n, 20));
      const ev = ctx.addon.setEventsTake(log);
      const rr = ev.filter((e) => e.type === 'REMOVE_RANGE');
      return delivered(
        'pmemset_remove_range',
        ev,
        rr.length === 1 && is(rr[0], 'REMOVE_RANGE', part.addr + 10n, 20n),
        'one REMOVE_RANGE(addr, len)',
      );
    },
  },
  {
    key: `${FN}/REMOVE_RANGE triggers PART_REMOVE#1`,
    situation: "pmemset_remove_range over the whole of a part map: REMOVE_RANGE, then PART_REMOVE with the part map's address and length",
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, log, part } = setup(ctx, 2);
      check('pmemset_remove_range', ctx.addon.setRemoveRange(set, part.addr, part.size));
      const ev = ctx.addon.setEventsTake(log);
      const i = ev.findIndex((e) => e.type === 'REMOVE_RANGE');
      const j = ev.findIndex((e) => is(e, 'PART_REMOVE', part.addr, part.size));
      return delivered(
        'pmemset_remove_range(whole part map)',
        ev,
        i >= 0 && j > i && ev.filter((e) => e.type === 'PART_REMOVE').length === 1,
        'REMOVE_RANGE, then PART_REMOVE(addr, len)',
      );
    },
  },
  {
    key: `${FN}/SDS_UPDATE after each SDS change#1`,
    situation: 'a source with SDS mapped into a set with a callback: SDS_UPDATE is fired',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, log } = newSet(ctx, { events: true });
      const { src } = fileSource(ctx, page(ctx));
      check('pmemset_source_set_sds', ctx.addon.setSourceSetSds(src, {}));
      const r = ctx.addon.setMap(set, src, null, false);
      if (codeName(r.code) === 'PMEMSET_E_SDS_NOSUPP')
        return {
          skip: `the fixture's storage (${ctx.caps.devdax ? 'the device DAX' : ctx.caps.filesystem}) does not support unsafe-shutdown data: pmemset_map answers PMEMSET_E_SDS_NOSUPP and no SDS changes`,
          technique: 'fixture:sds',
        };
      if (r.code !== 0) return { observed: observed('pmemset_map(source with SDS)', r), permitted: ['0'] };
      const ev = ctx.addon.setEventsTake(log!);
      return delivered(
        'pmemset_map(source with SDS)',
        ev,
        ev.some((e) => e.type === 'SDS_UPDATE'),
        'SDS_UPDATE',
      );
    },
  },
  {
    key: `${FN}/BADBLOCK for each bad block#1`,
    situation: `a ${FILE_PAGES}-page file (on device DAX, the device) whose pages ${BAD_PAGES.join(' and ')} lie on sectors the device's bad-block list names (in a child), mapped with bad-block detection: one BADBLOCK per block, with its file offset and length`,
    note: "The list is the child's copy of the sysfs file libndctl reads (mountns:sysfs-badblocks; suites/sysfs_badblocks.ts): the block device's badblocks for an fsdax namespace, the region's for a raw one, naming the sectors under the pages from the file's extents (FIEMAP). Each bad page is a whole filesystem block, so the offset and length are the same at sector or block granularity.",
    fixtures: 'devdax',
    run: (ctx) => {
      const run = mapWithBadblocks(ctx, false);
      if (!('events' in run)) return run;
      const j = judgeBadblockEvents(run);
      return { ...labelled('pmemset_map(bad-block detection) in a child', j.seen, j.want, showRun(run)), technique: SYSFS_BADBLOCKS };
    },
  },
  {
    key: `${FN}/BADBLOCKS_CLEARED when all are cleared#1`,
    situation:
      'the same bad blocks; the callback clears each with pmemset_badblock_clear, and the child then drops its sectors from the list: BADBLOCKS_CLEARED once, after the BADBLOCK events, and pmemset_map returns 0',
    note: "The library's clear runs for real (on fsdax a hole punched and the blocks allocated again); the list is rewritten by the child after each clear that returned 0, as the kernel drops cleared poison from a device's list.",
    fixtures: 'devdax',
    run: (ctx) => {
      const run = mapWithBadblocks(ctx, true);
      if (!('events' in run)) return run;
      const j = judgeCleared(run);
      if ('notBuilt' in j)
        return { skip: `every bad block cleared in the callback is the situation: ${j.notBuilt}`, technique: SYSFS_BADBLOCKS };
      return {
        ...labelled('pmemset_map(bad-block detection, callback clears) in a child', j.seen, j.want, showRun(run)),
        technique: SYSFS_BADBLOCKS,
      };
    },
  },
];

export const suite: Suite = { name: FN, implementation: 'libpmemset', pages: [FN], cases };
