/**
 * pmemset_memmove(3): pmemset_memmove, pmemset_memcpy, pmemset_memset.
 * Whether a drain happened is seen through the events the set's callback
 * records (pmemset_config_set_event_callback(3): one PMEMSET_EVENT_DRAIN at
 * the end unless PMEMSET_F_MEM_NODRAIN).
 */
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { check, hex } from './pmem2_util.js';
import { fileSource, newSet, partConfig } from './pmemset_util.js';
import { E, labelled, page, showEvents } from './pmemset_page_util.js';

function setWithPart(ctx: CaseContext, events = false) {
  const { set, log } = newSet(ctx, { events });
  const { src } = fileSource(ctx, page(ctx));
  const m = ctx.addon.setMap(set, src, partConfig(ctx, page(ctx)), true);
  check('pmemset_map', m);
  if (log !== undefined) ctx.addon.setEventsTake(log);
  return { set, base: m.descriptor!.addr, log };
}

function drainsAfter(ctx: CaseContext, flags: number, name: string) {
  const { set, base, log } = setWithPart(ctx, true);
  const ret = ctx.addon.setMemcpy(set, base + 8n, Buffer.from('no drain wanted'), flags);
  const ev = ctx.addon.setEventsTake(log!);
  const drains = ev.filter((e) => e.type === 'DRAIN').length;
  return labelled(`pmemset_memcpy(${name})`, drains === 0 ? 'no drain' : `${drains} DRAIN event(s)`, 'no drain', {
    events: showEvents(ev),
    returned: hex(ret),
  });
}

const cases: CaseDef[] = [
  {
    key: 'pmemset_memmove/RETURN VALUE#1',
    situation: 'pmemset_memmove, pmemset_memcpy and pmemset_memset into a part each return pmemdest',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, base } = setWithPart(ctx);
      const dst = base + 128n;
      const got = {
        memcpy: ctx.addon.setMemcpy(set, dst, Buffer.from('0123456789'), 0),
        memmove: ctx.addon.setMemmove(set, dst + 2n, dst, 8, 0),
        memset: ctx.addon.setMemset(set, dst + 64n, 0x5a, 32, 0),
      };
      const wrong = Object.entries(got).filter(([k, v]) => v !== (k === 'memmove' ? dst + 2n : k === 'memset' ? dst + 64n : dst));
      return labelled(
        'pmemset_memcpy/memmove/memset',
        wrong.length ? `returned ${wrong.map(([k, v]) => `${k} ${hex(v)}`).join(', ')}` : 'pmemdest',
        'pmemdest',
        { memcpy: hex(got.memcpy), memmove: hex(got.memmove), memset: hex(got.memset) },
      );
    },
  },
  {
    key: 'pmemset_memmove/same result as memmove, memcpy and memset#1',
    situation:
      'memcpy 64 bytes, memmove them 5 bytes forward (overlapping), memset 16 bytes: the part holds what Buffer copy/copyWithin/fill leave',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set, base } = setWithPart(ctx);
      const dst = base + 256n;
      const src = Buffer.from([...Array(64).keys()].map((i) => (i * 7 + 3) & 0xff));
      // the model starts from what the part holds there now: a fresh file's zeros, or on a device DAX
      // whatever an earlier case left in its first unit (a device is not zeroed between cases)
      const model = Buffer.from(ctx.addon.readAddress(dst, 96));
      src.copy(model, 0);
      ctx.addon.setMemcpy(set, dst, src, 0);
      model.copyWithin(5, 0, 64);
      ctx.addon.setMemmove(set, dst + 5n, dst, 64, 0);
      model.fill(0xa5, 70, 86);
      ctx.addon.setMemset(set, dst + 70n, 0xa5, 16, 0);
      const got = ctx.addon.readAddress(dst, 96);
      return labelled(
        'pmemset_memcpy, then overlapping pmemset_memmove, then pmemset_memset',
        got.equals(model) ? 'same bytes as libc' : 'different bytes',
        'same bytes as libc',
        { got: got.toString('hex'), expected: model.toString('hex') },
      );
    },
  },
  {
    key: 'pmemset_memmove/NODRAIN skips the drain#1',
    situation: 'pmemset_memcpy with PMEMSET_F_MEM_NODRAIN: the callback sees no DRAIN event',
    fixtures: 'devdax',
    run: (ctx) => drainsAfter(ctx, E.NODRAIN, 'PMEMSET_F_MEM_NODRAIN'),
  },
  {
    key: 'pmemset_memmove/NOFLUSH implies NODRAIN#1',
    situation: 'pmemset_memcpy with PMEMSET_F_MEM_NOFLUSH: the callback sees no DRAIN event',
    note: 'pmemset_config_set_event_callback(3) says a DRAIN is fired whenever PMEMSET_F_MEM_NODRAIN is not passed; this page says NOFLUSH implies NODRAIN. The pages disagree for NOFLUSH alone; our library follows this page (native/libpmemset/README.md, choice 16).',
    fixtures: 'devdax',
    run: (ctx) => drainsAfter(ctx, E.NOFLUSH, 'PMEMSET_F_MEM_NOFLUSH'),
  },
];

export const suite: Suite = { name: 'pmemset_memmove', implementation: 'libpmemset', pages: ['pmemset_memmove'], cases };
