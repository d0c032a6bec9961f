/**
 * The emulated guest's figures for `npm run bench` (bench.ts calls
 * guestBench): per guest of the default emulated set, boot to pmem ready
 * and boot to results (the suites only, every case of each fixture the
 * guest offers), the whole set's wall time with the guests as the fixture
 * runs them (in parallel where the cores allow), and power-cut trials per
 * minute (one trial per libpmem2 variant: a chain of boots, two trials
 * sharing each). Each figure is the median of `rounds` rounds; the load
 * average is recorded with them, since the machine may be shared.
 */
import os from 'node:os';
import { DEFAULT_EMULATED_MODES, EmulatedFixture, emulatedAvailable, guestParallelism } from '../../fixtures/emulated.js';
import type { EmulatedMode } from '../../fixtures/emulated.js';
import { planVariantTrials } from '../engine/durability/campaign.js';
import { durabilityAvailable, runTrials } from '../engine/durability/trials.js';

/** the modes `--fixture emulated` boots by default */
/** what `run --fixture emulated` boots */
const DEFAULT_MODES: EmulatedMode[] = [...DEFAULT_EMULATED_MODES];

export interface GuestRound {
  perGuest: { mode: EmulatedMode; bootToReadySeconds: number; bootToResultsSeconds: number; nodeProcesses?: number }[];
  totalSeconds: number;
  cases: number;
  loadAverage: number;
}

export interface TrialsRound {
  trials: number;
  boots: number;
  seconds: number;
  trialsPerMinute: number;
  medianBootToReadySeconds: number;
  loadAverage: number;
}

export interface GuestBench {
  skipped?: string;
  guestsAtOnce?: number;
  vcpusPerGuest?: number;
  rounds: GuestRound[];
  trials: TrialsRound[];
  median?: {
    perGuest: { mode: EmulatedMode; bootToReadySeconds: number; bootToResultsSeconds: number }[];
    totalSeconds: number;
    trialsPerMinute?: number;
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** guestBench -- boots the default emulated set `rounds` times and runs `rounds` short power-cut chains */
export async function guestBench(rounds: number, log: (l: string) => void = console.log): Promise<GuestBench> {
  const out: GuestBench = { rounds: [], trials: [] };
  if (rounds <= 0) return { ...out, skipped: 'no guest rounds asked for (--guest-rounds 0)' };
  const avail = emulatedAvailable();
  if (!avail.ok) return { ...out, skipped: `emulated guest unavailable: ${avail.reason}` };
  const par = guestParallelism(DEFAULT_MODES.length);
  out.guestsAtOnce = par.guests;
  out.vcpusPerGuest = par.cpus;
  log(
    `\nemulated guests (${DEFAULT_MODES.join(' + ')}, ${par.guests} at once, ${par.cpus} vCPU(s) each, as run --fixture emulated runs them): ${rounds} round(s)`,
  );
  for (let i = 0; i < rounds; i++) {
    const fx = new EmulatedFixture(DEFAULT_MODES);
    const r = await fx.run({ cliArgs: [], onLog: () => undefined });
    const round: GuestRound = {
      perGuest: fx.timings.map((t) => ({
        mode: t.mode,
        bootToReadySeconds: t.bootSeconds,
        bootToResultsSeconds: t.totalSeconds,
        ...(t.nodeProcesses !== undefined ? { nodeProcesses: t.nodeProcesses } : {}),
      })),
      totalSeconds: r.totalSeconds,
      cases: r.result.cases.length,
      loadAverage: os.loadavg()[0]!,
    };
    out.rounds.push(round);
    log(
      `  round ${i + 1}: ${round.perGuest.map((g) => `${g.mode} ready ${g.bootToReadySeconds.toFixed(1)} s, results ${g.bootToResultsSeconds.toFixed(1)} s${g.nodeProcesses !== undefined ? `, ${g.nodeProcesses} node processes` : ''}`).join('; ')}; all ${round.cases} cases in ${round.totalSeconds.toFixed(1)} s (load ${round.loadAverage.toFixed(1)})`,
    );
  }
  const dur = durabilityAvailable();
  if (dur.ok) {
    const specs = planVariantTrials(['libpmem2'], 1, 2026);
    log(`\npower-cut trials: ${specs.length} per chain (one per libpmem2 variant), ${rounds} chain(s)`);
    for (let i = 0; i < rounds; i++) {
      const c = await runTrials(specs);
      const bad = c.outcomes.filter((o) => o.error);
      if (bad.length) log(`  chain ${i + 1}: ${bad.length} trial(s) failed in the harness: ${bad[0]!.error}`);
      const t: TrialsRound = {
        trials: specs.length,
        boots: c.boots,
        seconds: c.totalSeconds,
        trialsPerMinute: (specs.length * 60) / c.totalSeconds,
        medianBootToReadySeconds: median(c.readySeconds),
        loadAverage: os.loadavg()[0]!,
      };
      out.trials.push(t);
      log(
        `  chain ${i + 1}: ${t.trials} trials, ${t.boots} boots in ${t.seconds.toFixed(1)} s: ${t.trialsPerMinute.toFixed(1)} trials a minute (boot to ready ${t.medianBootToReadySeconds.toFixed(1)} s, load ${t.loadAverage.toFixed(1)})`,
      );
    }
  } else log(`\npower-cut trials skipped: ${dur.reason}`);
  out.median = {
    perGuest: DEFAULT_MODES.map((mode) => {
      const g = out.rounds.map((r) => r.perGuest.find((x) => x.mode === mode)!);
      return {
        mode,
        bootToReadySeconds: median(g.map((x) => x.bootToReadySeconds)),
        bootToResultsSeconds: median(g.map((x) => x.bootToResultsSeconds)),
      };
    }),
    totalSeconds: median(out.rounds.map((r) => r.totalSeconds)),
    ...(out.trials.length ? { trialsPerMinute: median(out.trials.map((t) => t.trialsPerMinute)) } : {}),
  };
  log(
    `guest medians: ${out.median.perGuest.map((g) => `${g.mode} ready ${g.bootToReadySeconds.toFixed(1)} s / results ${g.bootToResultsSeconds.toFixed(1)} s`).join('; ')}; emulated total ${out.median.totalSeconds.toFixed(1)} s (target <= 60 s)${out.median.trialsPerMinute !== undefined ? `; ${out.median.trialsPerMinute.toFixed(1)} power-cut trials a minute (target >= 6)` : ''}`,
  );
  return out;
}
