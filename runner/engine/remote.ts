/**
 * The remote campaign: fixtures that run the CLI elsewhere (a QEMU guest,
 * a child with forced granularity) get the run's own options forwarded;
 * their cases and fixtures join this run's result.
 */
import type { RemoteRun } from '../../fixtures/remote.js';
import type { Campaign, CampaignContext } from './campaign.js';

export const remoteCampaign: Campaign = {
  name: 'remote',
  scope: 'plan',
  async run(ctx: CampaignContext) {
    for (const rf of ctx.plan.remotes) {
      let rr: RemoteRun;
      try {
        rr = await rf.run({
          cliArgs: ctx.plan.forward,
          signal: ctx.signal,
          onLog: (l) => ctx.log(l),
          onNotice: (l) => ctx.notice(l),
          allowDestroyDevdax: ctx.plan.allowDestroyDevdax,
          caseTimeoutGiven: !!ctx.plan.caseTimeoutGiven,
        });
      } catch (e) {
        // stopped by a signal: the interrupted run reports what finished
        if (ctx.signal.aborted) return;
        // the fixtures that ran keep their results; this one is a fixture-level error of the report
        const why = (e as Error).message.split('\n')[0] ?? String(e);
        ctx.fixtureFailed(rf.name, why);
        ctx.notice(`fixture ${rf.name} failed: ${why}`);
        continue;
      }
      for (const c of rr.result.cases) ctx.emit(c);
      // a part that failed while others ran (one mode of a namespace) is a fixture error of its own
      for (const f of rr.result.fixtureErrors ?? []) {
        ctx.fixtureFailed(f.fixture, f.error);
        ctx.notice(`fixture ${f.fixture} failed: ${f.error}`);
      }
      ctx.addFixtures(rr.result.environment.fixtures);
      const boot = rr.bootSeconds !== undefined ? ` (boot to pmem ready ${rr.bootSeconds.toFixed(1)} s)` : '';
      ctx.notice(`${rf.name}: ${rr.result.cases.length} cases in ${rr.totalSeconds.toFixed(1)} s${boot}`);
    }
  },
};
