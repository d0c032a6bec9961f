/**
 * pmem2_errormsg(3). A message "describes the reason of the failure" when
 * it names what was wrong: each provoked failure below has a pattern of the
 * words that name its cause (the granularity, the offset, the descriptor...),
 * and the message must match it and must not be the one a different failure
 * left just before (a stale message describes that other failure).
 */
import fs from 'node:fs';
import { codeName } from '../runner/core/constants.js';
import type { CallResult, Config, Map as P2Map, Reservation, Source } from '../runner/core/native.js';
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { labelled, threadMessages } from './pmem2_fn_util.js';
import { C, check, config, fileSource, mapNew, SetupError } from './pmem2_util.js';

/** a config the case owns, with nothing set */
function bareConfig(ctx: CaseContext): Config {
  const r = ctx.addon.configNew();
  check('pmem2_config_new', r);
  const cfg = r.config!;
  ctx.defer(() => void ctx.addon.configDelete(cfg));
  return cfg;
}

interface Failure {
  /** the call, as the report names it */
  what: string;
  /** words a message describing this failure contains */
  describes: RegExp;
  /** makes the call, which must fail; returns its code */
  call(ctx: CaseContext): number;
}

const FAILURES: Failure[] = [
  {
    what: 'pmem2_config_set_required_store_granularity(42)',
    describes: /granularity/i,
    call: (ctx) => ctx.addon.configSetRequiredStoreGranularity(bareConfig(ctx), 42).code,
  },
  {
    what: 'pmem2_config_set_offset(2^63 + 1)',
    describes: /offset/i,
    call: (ctx) => ctx.addon.configSetOffset(bareConfig(ctx), 2n ** 63n + 1n).code,
  },
  { what: 'pmem2_config_set_sharing(9)', describes: /sharing/i, call: (ctx) => ctx.addon.configSetSharing(bareConfig(ctx), 9).code },
  {
    what: 'pmem2_config_set_protection(0x99)',
    describes: /prot|flag/i,
    call: (ctx) => ctx.addon.configSetProtection(bareConfig(ctx), 0x99).code,
  },
  {
    what: 'pmem2_map_new(offset 1 byte)',
    describes: /offset|align/i,
    call: (ctx) => mapNew(ctx, config(ctx, { offset: 1 }), fileSource(ctx, 2 * ctx.unit).src).code,
  },
  {
    what: 'pmem2_map_new(offset past the end of a 1-page file)',
    describes: /size|length|range|end/i,
    // past the end of the source: a 1-page file, or on device DAX the whole device
    call: (ctx) => {
      const f = fileSource(ctx, ctx.unit);
      return mapNew(ctx, config(ctx, { offset: f.size + ctx.unit }), f.src).code;
    },
  },
  {
    what: 'pmem2_vm_reservation_new(size 1 page + 1 byte)',
    describes: /size|multiple|align/i,
    call: (ctx) => ctx.addon.reservationNew(0, ctx.unit + 1).code,
  },
  {
    what: 'pmem2_source_from_fd(a directory)',
    describes: /director/i,
    call: (ctx) => {
      const fd = fs.openSync(ctx.fixture.directory(), 'r');
      ctx.defer(() => fs.closeSync(fd));
      return ctx.addon.sourceFromFd(fd).code;
    },
  },
  {
    what: 'pmem2_source_from_fd(a closed descriptor)',
    describes: /descriptor|\bfd\b|EBADF/i,
    call: (ctx) => {
      const f = ctx.file(1);
      fs.closeSync(f.fd);
      return ctx.addon.sourceFromFd(f.fd).code;
    },
  },
  {
    what: 'pmem2_source_from_fd(-1)',
    describes: /descriptor|\bfd\b|handle|-1/i,
    call: (ctx) => ctx.addon.sourceFromFd(-1).code,
  },
];

/**
 * primed -- a message from another failure first (so that a failure which
 * leaves none is seen to leave the stale one), then `f`; the message after f
 */
function primed(ctx: CaseContext, f: Failure): { code: number; before: string; message: string } {
  const cfg = bareConfig(ctx);
  // sharing 9 for the granularity failure, granularity 4242 for the others: never the words f is described by
  const primer = /granularity/.test(f.what) ? ctx.addon.configSetSharing(cfg, 9) : ctx.addon.configSetRequiredStoreGranularity(cfg, 4242);
  if (primer.code === 0) throw new SetupError('the failure provoked first (an unknown sharing or granularity value) succeeded');
  const before = ctx.addon.errormsg();
  const code = f.call(ctx);
  return { code, before, message: ctx.addon.errormsg() };
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_errormsg/RETURN VALUE#1',
    fixtures: 'devdax',
    situation:
      "pmem2_config_set_required_store_granularity(42) fails, then pmem2_source_from_fd of a closed descriptor (errno EBADF): pmem2_errormsg() then returns the second failure's message",
    note: 'The sentence about errno ("may include a description of the corresponding error code as returned by strerror(3)") permits, and does not require, the strerror text; whether it is there is shown in the details.',
    run: (ctx) => {
      const first = FAILURES[0]!;
      const second = FAILURES.find((f) => f.what === 'pmem2_source_from_fd(a closed descriptor)')!;
      if (first.call(ctx) === 0) throw new SetupError(`${first.what} succeeded`);
      const m1 = ctx.addon.errormsg();
      const code = second.call(ctx);
      if (code === 0) throw new SetupError(`${second.what} succeeded`);
      const m2 = ctx.addon.errormsg();
      const details = { afterFirst: m1, afterSecond: m2, secondCode: codeName(code), strerror: String(m2.includes('Bad file descriptor')) };
      let seen = "the last failure's message";
      if (m2 === '') seen = 'an empty message';
      else if (m2 === m1) seen = "the earlier failure's message";
      else if (!second.describes.test(m2)) seen = 'a message of something else';
      return labelled(
        'pmem2_errormsg() after two failed calls',
        seen,
        "the last failure's message",
        details,
        `after ${second.what} failed (${codeName(code)}), pmem2_errormsg() returned ${JSON.stringify(m2)} (after ${first.what} it was ${JSON.stringify(m1)})`,
      );
    },
  },
  {
    key: 'pmem2_errormsg/message describes the failure#1',
    fixtures: 'devdax',
    situation: `ten failing calls, each right after another failure left a message of its own: ${FAILURES.map((f) => f.what).join(', ')}; each message names what was wrong (${FAILURES.map((f) => f.describes.source).join(', ')})`,
    run: (ctx) => {
      const details: Record<string, string> = {};
      const undescribed: string[] = [];
      for (const f of FAILURES) {
        const r = primed(ctx, f);
        if (r.code === 0) throw new SetupError(`${f.what} succeeded`);
        details[f.what] = `${codeName(r.code)}: ${JSON.stringify(r.message)}`;
        if (r.message === '' || r.message === r.before || !f.describes.test(r.message)) {
          undescribed.push(f.what);
          if (r.message === r.before) details[f.what] += ' (the message the failure before it left)';
        }
      }
      return labelled(
        'pmem2_errormsg() after each failure',
        undescribed.length ? `no description of: ${undescribed.join(', ')}` : 'each failure described',
        'each failure described',
        details,
        `${undescribed.length} of ${FAILURES.length} failures left no message describing them: ${undescribed.map((w) => `${w} -> ${details[w]}`).join('; ')}`,
      );
    },
  },
  {
    key: 'pmem2_errormsg/message thread-local#1',
    fixtures: 'devdax',
    situation:
      'this thread fails pmem2_config_set_sharing(9); another thread fails pmem2_config_set_required_store_granularity(77) and reads its message; a third thread reads its message without a failure; then this thread reads its own again',
    run: (ctx) => {
      const mine = ctx.addon.configSetSharing(bareConfig(ctx), 9);
      if (mine.code === 0) throw new SetupError('pmem2_config_set_sharing(9) succeeded');
      const before = ctx.addon.errormsg();
      const other = ctx.addon.errormsgInThread(77);
      if (other.code === 0) throw new SetupError('pmem2_config_set_required_store_granularity(77) succeeded on the other thread');
      const fresh = ctx.addon.errormsgInThread();
      const after = ctx.addon.errormsg();
      return threadMessages('pmem2_errormsg', before, other.message, fresh.message, after);
    },
  },
  {
    key: 'pmem2_errormsg/message never cleared#1',
    fixtures: 'devdax',
    situation:
      'pmem2_config_set_required_store_granularity(42) fails, then eleven calls succeed (config new and setters, source from a file, map new, persist, map delete, reservation new and delete, config and source delete), pmem2_errormsg() read after each: never empty',
    note: 'The page lets later calls modify the message ("Subsequent calls to other library functions may modify the previous message"), so a different message passes; an emptied one, after any of the calls, is a clearing.',
    run: (ctx) => {
      const a = ctx.addon;
      const failed = bareConfig(ctx);
      if (a.configSetRequiredStoreGranularity(failed, 42).code === 0) throw new SetupError('granularity 42 was accepted');
      const before = a.errormsg();
      if (before === '') return labelled('pmem2_errormsg() after a failure', 'an empty message', 'the message kept', { before });
      const p = ctx.unit;
      const f = ctx.medium(2 * p);
      ctx.defer(() => fs.closeSync(f.fd));
      const st: { cfg?: Config; src?: Source; map?: P2Map; rsv?: Reservation } = {};
      // whatever a step left behind when the case stopped early
      ctx.defer(() => {
        if (st.map) void a.mapDelete(st.map);
        if (st.rsv) void a.reservationDelete(st.rsv);
        if (st.cfg) void a.configDelete(st.cfg);
        if (st.src) void a.sourceDelete(st.src);
      });
      const steps: [string, () => CallResult | undefined][] = [
        [
          'pmem2_config_new()',
          () => {
            const r = a.configNew();
            st.cfg = r.config;
            return r;
          },
        ],
        ['pmem2_config_set_required_store_granularity(PAGE)', () => a.configSetRequiredStoreGranularity(st.cfg!, C.PAGE)],
        ['pmem2_config_set_offset(0)', () => a.configSetOffset(st.cfg!, 0)],
        [
          'pmem2_source_from_fd()',
          () => {
            const r = a.sourceFromFd(f.fd);
            st.src = r.source;
            return r;
          },
        ],
        [
          'pmem2_map_new()',
          () => {
            const r = a.mapNew(st.cfg!, st.src!);
            st.map = r.map;
            return r;
          },
        ],
        [
          'persist_fn()',
          () => {
            a.mapWrite(st.map!, 0, Buffer.from('kept'));
            a.mapPersist(st.map!, 0, 4);
            return undefined;
          },
        ],
        [
          'pmem2_map_delete()',
          () => {
            const r = a.mapDelete(st.map!);
            if (r.code === 0) st.map = undefined;
            return r;
          },
        ],
        [
          'pmem2_vm_reservation_new()',
          () => {
            const r = a.reservationNew(0, 2 * p);
            st.rsv = r.reservation;
            return r;
          },
        ],
        [
          'pmem2_vm_reservation_delete()',
          () => {
            const r = a.reservationDelete(st.rsv!);
            if (r.code === 0) st.rsv = undefined;
            return r;
          },
        ],
        [
          'pmem2_config_delete()',
          () => {
            const r = a.configDelete(st.cfg!);
            if (r.code === 0) st.cfg = undefined;
            return r;
          },
        ],
        [
          'pmem2_source_delete()',
          () => {
            const r = a.sourceDelete(st.src!);
            if (r.code === 0) st.src = undefined;
            return r;
          },
        ],
      ];
      const seenAfter: Record<string, string> = { failure: before };
      let cleared: string | undefined;
      for (const [what, call] of steps) {
        const r = call();
        if (r) check(what, r);
        seenAfter[what] = a.errormsg();
        if (seenAfter[what] === '') {
          cleared = what;
          break;
        }
      }
      const last = Object.values(seenAfter).at(-1);
      const seen = cleared ? `cleared by ${cleared}` : last === before ? 'the message kept' : 'modified by a later call';
      return labelled(
        'pmem2_errormsg() after each successful call',
        seen,
        ['the message kept', 'modified by a later call'],
        seenAfter,
        `the message ${JSON.stringify(before)} was emptied by the successful ${cleared}`,
      );
    },
  },
];

export const suite: Suite = { name: 'pmem2_errormsg', implementation: 'libpmem2', pages: ['pmem2_errormsg'], cases };
