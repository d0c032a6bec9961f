/**
 * pmem2_perror(3). What it writes to standard error is captured by the
 * addon (file descriptor 2 pointed at a memfd around the call, then
 * restored) and compared with pmem2_errormsg(), which the page says it
 * prints. The addon calls pmem2_perror("%s %d", prefix, number).
 */
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { labelled } from './pmem2_fn_util.js';
import { check, SetupError } from './pmem2_util.js';

/** a failed libpmem2 call: pmem2_config_set_sharing(9); the message it left */
function failSharing(ctx: CaseContext): string {
  const r = ctx.addon.configNew();
  check('pmem2_config_new', r);
  const cfg = r.config!;
  ctx.defer(() => void ctx.addon.configDelete(cfg));
  if (ctx.addon.configSetSharing(cfg, 9).code === 0) throw new SetupError('pmem2_config_set_sharing(9) succeeded');
  return ctx.addon.errormsg();
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_perror/last error described on stderr#1',
    fixtures: 'devdax',
    situation:
      'pmem2_config_set_sharing(9) fails, then pmem2_perror: standard error gets a line describing that failure, with its pmem2_errormsg() text',
    run: (ctx) => {
      const msg = failSharing(ctx);
      const out = ctx.addon.perrorCapture('pmem-conform', 1).output;
      let seen = 'the last error on stderr';
      if (out === '') seen = 'nothing on stderr';
      else if (!/sharing/i.test(out)) seen = 'stderr does not describe the last error';
      else if (msg !== '' && !out.includes(msg)) seen = 'stderr lacks the pmem2_errormsg() text';
      return labelled(
        'pmem2_perror after pmem2_config_set_sharing(9) failed',
        seen,
        'the last error on stderr',
        { stderr: out, errormsg: msg },
        `pmem2_perror wrote ${JSON.stringify(out)} after pmem2_config_set_sharing(9) failed with message ${JSON.stringify(msg)}`,
      );
    },
  },
  {
    key: 'pmem2_perror/format, colon and blank, message, new-line#1',
    fixtures: 'devdax',
    situation:
      'pmem2_config_set_sharing(9) fails, then pmem2_perror("%s %d", prefix, 42) with the prefixes "pmem-conform" and "p%sx": standard error gets exactly "<prefix> 42: <pmem2_errormsg()>\\n" for each',
    run: (ctx) => {
      const msg = failSharing(ctx);
      const details: Record<string, string> = { errormsg: msg };
      const wrong: string[] = [];
      for (const prefix of ['pmem-conform', 'p%sx']) {
        const out = ctx.addon.perrorCapture(prefix, 42).output;
        const want = `${prefix} 42: ${msg}\n`;
        details[prefix] = out;
        if (out !== want) wrong.push(`for ${JSON.stringify(prefix)} it wrote ${JSON.stringify(out)}, not ${JSON.stringify(want)}`);
      }
      if (msg === '') wrong.push('pmem2_errormsg() is empty after the failure');
      return labelled(
        'pmem2_perror("%s %d", prefix, 42)',
        wrong.length ? 'other output' : 'format, ": ", the message, new-line',
        'format, ": ", the message, new-line',
        details,
        wrong.join('; '),
      );
    },
  },
];

export const suite: Suite = { name: 'pmem2_perror', implementation: 'libpmem2', pages: ['pmem2_perror'], cases };
