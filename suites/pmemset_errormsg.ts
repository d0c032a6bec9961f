/**
 * pmemset_errormsg(3).
 */
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { check, SetupError } from './pmem2_util.js';
import { newSet } from './pmemset_util.js';
import { threadMessages } from './pmem2_fn_util.js';
import { labelled } from './pmemset_page_util.js';

/** provoke a libpmemset error (coalescing value 42) and read the message */
function failAndRead(ctx: CaseContext): { code: number; msg: string } {
  const { set } = newSet(ctx);
  const r = ctx.addon.setSetContiguousPartCoalescing(set, 42);
  return { code: r.code, msg: ctx.addon.setErrormsg() };
}

const cases: CaseDef[] = [
  {
    key: 'pmemset_errormsg/RETURN VALUE#1',
    situation: 'pmemset_errormsg right after pmemset_set_contiguous_part_coalescing(42) failed',
    fixtures: 'devdax',
    run: (ctx) => {
      const { code, msg } = failAndRead(ctx);
      if (code === 0) return { skip: 'pmemset_set_contiguous_part_coalescing(42) did not fail (see its suite)' };
      return labelled('pmemset_errormsg after a failed call', msg.length ? 'a message' : 'empty string', 'a message', { message: msg });
    },
  },
  {
    key: 'pmemset_errormsg/message thread-local#1',
    situation:
      'this thread fails pmemset_set_contiguous_part_coalescing(42); another thread fails pmemset_xsource_from_file (an undefined flag bit) and reads its message; a third thread reads its message without a failure; then this thread reads its own again',
    fixtures: 'devdax',
    run: (ctx) => {
      const { code, msg: before } = failAndRead(ctx);
      if (code === 0) return { skip: 'pmemset_set_contiguous_part_coalescing(42) did not fail (see its suite)' };
      const other = ctx.addon.setErrormsgInThread(true);
      if (other.code === 0) throw new SetupError('pmemset_xsource_from_file with an undefined flag bit succeeded on the other thread');
      const fresh = ctx.addon.setErrormsgInThread(false);
      const after = ctx.addon.setErrormsg();
      return threadMessages('pmemset_errormsg', before, other.message, fresh.message, after);
    },
  },
  {
    key: 'pmemset_errormsg/message never cleared#1',
    situation: 'a failed call, then successful ones (config new/delete, map config new/delete): the message is still there',
    fixtures: 'devdax',
    run: (ctx) => {
      const { code, msg } = failAndRead(ctx);
      if (code === 0) return { skip: 'pmemset_set_contiguous_part_coalescing(42) did not fail (see its suite)' };
      const c = ctx.addon.setConfigNew();
      check('pmemset_config_new', c);
      check('pmemset_config_delete', ctx.addon.setConfigDelete(c.config!));
      const m = ctx.addon.setMapConfigNew();
      check('pmemset_map_config_new', m);
      check('pmemset_map_config_delete', ctx.addon.setMapConfigDelete(m.mapConfig!));
      const after = ctx.addon.setErrormsg();
      return labelled('pmemset_errormsg after successful calls', after.length ? 'a message' : 'empty string', 'a message', {
        before: msg,
        after,
      });
    },
  },
];

export const suite: Suite = { name: 'pmemset_errormsg', implementation: 'libpmemset', pages: ['pmemset_errormsg'], cases };
