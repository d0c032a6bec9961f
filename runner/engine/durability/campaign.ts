/**
 * Durability: power-cut trials in the emulated NVDIMM guest
 * (trials.ts beside this file runs them; native/durability/writer.c is the
 * guest's writer). A writer maps a fresh sparse file, writes records
 * (id + checksum, seeded sizes and offsets: every record lands on pages
 * never touched before, so blocks are allocated on fault) and prints an ack
 * after each record's persist returned; the host kills QEMU (kill -9) at a
 * seeded random moment, boots the guest again on the same backing file,
 * replays the journal (a read-only mount), runs e2fsck -fn and checks every
 * acknowledged record.
 *
 * Variants (clause ids durability:<variant>):
 *   map-sync             libpmem2 CACHE_LINE (MAP_SYNC) on fsdax ext4,
 *                        memcpy_fn(NOFLUSH) + persist_fn: must lose nothing
 *   msync                libpmem2 PAGE granularity on ext4 on the BTT sector
 *                        namespace (no DAX), memcpy_fn(NOFLUSH) + persist_fn,
 *                        which for PAGE granularity is msync: must lose
 *                        nothing. We use the BTT filesystem and not fsdax with
 *                        PMEM2_FORCE_GRANULARITY=PAGE because libpmem2 still
 *                        maps with MAP_SYNC there, so the msync would make
 *                        nothing durable that was not already: on BTT the
 *                        data sits in the page cache and only msync (write
 *                        back + journal commit) saves it, and the
 *                        page-cache control shares the filesystem, the
 *                        writer and the layout, so the pair differs in the
 *                        msync alone.
 *   page-cache-control   the msync writer without msync (memcpy_fn NOFLUSH,
 *                        then clflush + sfence only): must lose
 *   no-map-sync-control  fsdax ext4, plain mmap(MAP_SHARED) without MAP_SYNC
 *                        (libpmem2 always asks for MAP_SYNC on a file, so
 *                        this control cannot go through it), memcpy +
 *                        clflush + sfence, no fsync: the blocks allocated on
 *                        fault live in an uncommitted jbd2 transaction: must
 *                        lose
 *   map-sync, msync for libpmemset: the same trials through pmemset_map
 *                        (required granularity CACHE_LINE, resp. PAGE on BTT),
 *                        pmemset_memcpy(NOFLUSH) + pmemset_persist.
 *
 * A control that loses nothing over all its trials is reported as "control
 * had no teeth" with verdict skip, not pass and not diverge: the pages
 * permit data to survive without msync (they promise durability after
 * persist, never loss without it), so no trial outcome of a control is a
 * divergence of the library; it says the trial could not show it is able
 * to fail, which is what a skip means in this model (the check did not
 * happen), and the reason says so. The must-survive variants carry the
 * controls' loss counts in their note, so a pass is read with its teeth.
 */
import type { CaseResult, FixtureInfo, Verdict } from '../../core/model.js';
import type { Campaign, CampaignContext } from '../campaign.js';
import { FS_OF, MIN_ACKS_BEFORE_CUT, durabilityAvailable, runTrials } from './trials.js';
import type { ChainResult, TrialOutcome, TrialSpec, WriterVariant } from './trials.js';
import { planBoots } from './trials.js';

export type DurabilityImpl = 'libpmem2' | 'libpmemset';

export interface DurabilityOptions {
  /** trials per variant (two trials share a power cut and a boot: planBoots) */
  trials: number;
  /** master seed: trial seeds and cut times are drawn from it */
  seed: number;
  signal?: AbortSignal;
  onLog?: (l: string) => void;
  implementations: DurabilityImpl[];
  /** the builds --impl named by path, which the writer loads instead of the defaults */
  builds?: Partial<Record<DurabilityImpl, string>>;
}

export const DURABILITY_FIXTURE = 'emulated-nvdimm/durability';

/** the environment entry for the fixture the cases name (for RunResult.environment.fixtures) */
export function durabilityFixtureInfo(): FixtureInfo {
  return {
    name: DURABILITY_FIXTURE,
    kind: 'emulated',
    capabilities: {
      emulated: 'nvdimm',
      backing:
        'QEMU guest (TCG): NVDIMM 1G backed by a host file kept across kill -9 and reboot; fsdax 256M (ext4 dax=always) and sector/BTT 128M (ext4) namespaces',
      powerCut: 'kill -9 of QEMU: guest RAM (page cache, uncommitted journal) is lost, stores to pmem are not',
    },
  };
}

interface VariantDef {
  variant: 'map-sync' | 'msync' | 'page-cache-control' | 'no-map-sync-control';
  impl: DurabilityImpl;
  /** undefined: not run for this implementation (reason in skip) */
  writer?: WriterVariant;
  skip?: string;
  expect: 'survive' | 'lose';
  page: string;
  function: string;
  clause: string;
  clauseText: string;
  at: string;
}

const CONTROL_SKIP = 'controls test the trial, not the library: they run once, under libpmem2 (select libpmem2 to run them)';

function variants(impls: DurabilityImpl[]): VariantDef[] {
  const out: VariantDef[] = [];
  if (impls.includes('libpmem2')) {
    out.push(
      {
        variant: 'map-sync',
        impl: 'libpmem2',
        writer: 'mapsync',
        expect: 'survive',
        page: 'pmem2_get_persist_fn(3)',
        function: 'pmem2_get_persist_fn',
        clause: 'persisted data survives a power cut (CACHE_LINE, MAP_SYNC)',
        clauseText:
          'pmem2_persist_fn makes the range persistent: after it returns, the stores survive a power failure. CACHE_LINE granularity on fsdax: the mapping is MAP_SYNC, so block allocations are durable at fault time.',
        at: 'pmem2_map_new(CACHE_LINE, fsdax ext4 dax=always); memcpy_fn(NOFLUSH); persist_fn; ack; kill -9 QEMU',
      },
      {
        variant: 'msync',
        impl: 'libpmem2',
        writer: 'msync',
        expect: 'survive',
        page: 'pmem2_get_persist_fn(3)',
        function: 'pmem2_get_persist_fn',
        clause: 'persisted data survives a power cut (PAGE granularity: msync)',
        clauseText:
          "With PAGE store granularity the persist function is msync(2)-based: after it returns, the range (data in the page cache and the file's metadata) is durable.",
        at: 'pmem2_map_new(PAGE, ext4 on BTT sector namespace, no DAX); memcpy_fn(NOFLUSH); persist_fn (msync); ack; kill -9 QEMU',
      },
      {
        variant: 'page-cache-control',
        impl: 'libpmem2',
        writer: 'pagecache',
        expect: 'lose',
        page: 'pmem2_get_persist_fn(3)',
        function: 'pmem2_get_persist_fn',
        clause: 'control: a CPU flush does not persist a page-cache mapping',
        clauseText:
          "Control for the msync variant: the same writer and filesystem, but each record is only flushed from the CPU cache (clflush + sfence) instead of persist_fn. The data lives in the guest's page cache and must be lost at the cut.",
        at: 'pmem2_map_new(PAGE, ext4 on BTT, no DAX); memcpy_fn(NOFLUSH); clflush + sfence (no msync); ack; kill -9 QEMU',
      },
      {
        variant: 'no-map-sync-control',
        impl: 'libpmem2',
        writer: 'nomapsync',
        expect: 'lose',
        page: 'pmem2_map_new(3)',
        function: 'pmem2_map_new',
        clause: 'control: DAX without MAP_SYNC does not make fault-time block allocations durable',
        clauseText:
          'Control for the MAP_SYNC variant: the same fsdax filesystem and layout, mapped MAP_SHARED without MAP_SYNC (what libpmem2 avoids by asking for MAP_SYNC), CPU flush only, no fsync. The stores reach pmem, but the blocks allocated on fault are in an uncommitted journal transaction (xfstests generic/470), so acknowledged records may read back as holes.',
        at: 'open + ftruncate (sparse) + fsync; mmap(MAP_SHARED, no MAP_SYNC) on fsdax ext4; memcpy; clflush + sfence; ack; kill -9 QEMU',
      },
    );
  }
  if (impls.includes('libpmemset')) {
    out.push(
      {
        variant: 'map-sync',
        impl: 'libpmemset',
        writer: 'pmemset',
        expect: 'survive',
        page: 'pmemset_persist(3)',
        function: 'pmemset_persist',
        clause: 'persisted data survives a power cut (CACHE_LINE, MAP_SYNC)',
        clauseText:
          'pmemset_persist makes the range persistent; a set with required store granularity CACHE_LINE maps an fsdax file with MAP_SYNC.',
        at: 'pmemset_config_set_required_store_granularity(CACHE_LINE); pmemset_map(fsdax ext4 file); pmemset_memcpy(NOFLUSH); pmemset_persist; ack; kill -9 QEMU',
      },
      {
        variant: 'msync',
        impl: 'libpmemset',
        writer: 'pmemset-msync',
        expect: 'survive',
        page: 'pmemset_persist(3)',
        function: 'pmemset_persist',
        clause: 'persisted data survives a power cut (PAGE granularity: msync)',
        clauseText: 'pmemset_persist on a set of PAGE store granularity (a non-DAX file) persists through msync(2).',
        at: 'pmemset_config_set_required_store_granularity(PAGE); pmemset_map(ext4 on BTT file); pmemset_memcpy(NOFLUSH); pmemset_persist; ack; kill -9 QEMU',
      },
      {
        variant: 'page-cache-control',
        impl: 'libpmemset',
        skip: CONTROL_SKIP,
        expect: 'lose',
        page: 'pmemset_persist(3)',
        function: 'pmemset_persist',
        clause: 'control: a CPU flush does not persist a page-cache mapping',
        clauseText: 'Control for the msync variant (see the libpmem2 case).',
        at: '-',
      },
      {
        variant: 'no-map-sync-control',
        impl: 'libpmemset',
        skip: CONTROL_SKIP,
        expect: 'lose',
        page: 'pmemset_map(3)',
        function: 'pmemset_map',
        clause: 'control: DAX without MAP_SYNC does not make fault-time block allocations durable',
        clauseText: 'Control for the MAP_SYNC variant (see the libpmem2 case).',
        at: '-',
      },
    );
  }
  return out;
}

/** splitmix32-ish: a small seeded PRNG for trial seeds and cut times */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * the cut comes after a seeded number of acknowledged records, between
 * MIN_ACKS_BEFORE_CUT and CUT_ACK_MAX of a trial file's 2048: chosen from
 * the writer's progress, not from a clock, so the cut lands at the same
 * point of the writing on a loaded machine as on an idle one
 */
const CUT_ACK_MAX = 1536;

function labelOf(v: VariantDef): string {
  return `${v.variant}/${v.impl}`;
}

/** the trial plan: round-robin over the variants, seeded */
export function planTrials(defs: VariantDef[], trials: number, seed: number): TrialSpec[] {
  const next = rng(seed);
  const runnable = defs.filter((d) => d.writer);
  const specs: TrialSpec[] = [];
  for (let t = 0; t < trials; t++) {
    for (const d of runnable) {
      const trialSeed = next();
      const cutAfterAck = MIN_ACKS_BEFORE_CUT + (next() % (CUT_ACK_MAX - MIN_ACKS_BEFORE_CUT + 1));
      specs.push({ label: labelOf(d), variant: d.writer!, seed: trialSeed, cutAfterAck });
    }
  }
  return specs;
}

/** planVariantTrials -- the plan a run of these implementations makes: `trials` power cuts per variant, seeded */
export function planVariantTrials(impls: DurabilityImpl[], trials: number, seed: number): TrialSpec[] {
  return planTrials(variants(impls), trials, seed);
}

function baseCase(d: VariantDef): Omit<CaseResult, 'verdict' | 'durationMs'> {
  const clauseId = `durability:${d.variant}`;
  return {
    id: `${clauseId}@${DURABILITY_FIXTURE}/${d.impl}`,
    clauseId,
    page: d.page,
    function: d.function,
    clause: d.clause,
    clauseText: d.clauseText,
    kind: 'durability',
    fixture: DURABILITY_FIXTURE,
    implementation: d.impl,
    permitted: d.expect === 'survive' ? ['no acknowledged record lost'] : ['acknowledged records lost (the control has teeth)'],
  };
}

export async function runDurability(opts: DurabilityOptions): Promise<CaseResult[]> {
  const trials = Math.max(1, Math.floor(opts.trials));
  const seed = opts.seed >>> 0;
  const defs = variants(opts.implementations);
  const log = opts.onLog ?? (() => undefined);
  const skipAll = (reason: string): CaseResult[] => defs.map((d) => ({ ...baseCase(d), verdict: 'skip', reason, durationMs: 0, seed }));

  const avail = durabilityAvailable();
  if (!avail.ok) return skipAll(`emulated guest unavailable: ${avail.reason}`);
  const specs = planTrials(defs, trials, seed);
  if (specs.length === 0) return skipAll('no variant to run');
  log(`durability: ${specs.length} power-cut trials (${trials} per variant), seed ${seed}, ${planBoots(specs).length + 1} guest boots`);
  let chain: ChainResult;
  try {
    const libraries = {
      ...(opts.builds?.libpmem2 ? { 'libpmem2.so.1': opts.builds.libpmem2 } : {}),
      ...(opts.builds?.libpmemset ? { 'libpmemset.so.1': opts.builds.libpmemset } : {}),
    };
    chain = await runTrials(specs, { ...(opts.signal ? { signal: opts.signal } : {}), onLog: log, libraries });
  } catch (e) {
    return defs.map((d) => ({
      ...baseCase(d),
      verdict: d.writer ? 'error' : 'skip',
      reason: d.writer ? (e as Error).message : d.skip!,
      durationMs: 0,
      seed,
    }));
  }
  log(
    `durability: ${chain.boots} boots in ${chain.totalSeconds.toFixed(1)} s: ${((specs.length * 60) / Math.max(chain.totalSeconds, 0.001)).toFixed(1)} trials a minute`,
  );

  const byLabel = new Map<string, TrialOutcome[]>();
  for (const o of chain.outcomes) byLabel.set(o.spec.label, [...(byLabel.get(o.spec.label) ?? []), o]);
  const lossOf = (variant: string) => {
    const os = byLabel.get(`${variant}/libpmem2`);
    if (!os) return 'not run';
    const ok = os.filter((o) => !o.error);
    return `lost ${ok.reduce((s, o) => s + o.lost, 0)} of ${ok.reduce((s, o) => s + o.acked, 0)} acknowledged in ${ok.length} trials`;
  };
  const teeth = `controls in this run: page-cache ${lossOf('page-cache-control')}; no-MAP_SYNC ${lossOf('no-map-sync-control')}`;

  return defs.map((d): CaseResult => {
    const base = baseCase(d);
    if (!d.writer) return { ...base, verdict: 'skip', reason: d.skip!, durationMs: 0, seed };
    const os = byLabel.get(labelOf(d)) ?? [];
    const ok = os.filter((o) => !o.error);
    const errs = os.filter((o) => o.error);
    const acked = ok.reduce((s, o) => s + o.acked, 0);
    const lost = ok.reduce((s, o) => s + o.lost, 0);
    const withLoss = ok.filter((o) => o.lost > 0);
    const fsckBad = ok.filter((o) => o.fsckRc !== 0);
    const durationMs = Math.round(os.reduce((s, o) => s + o.seconds, 0) * 1000);
    const details: Record<string, string | number | boolean> = {
      trials: os.length,
      trialsCompleted: ok.length,
      recordsAcknowledged: acked,
      recordsLost: lost,
      trialsWithLoss: withLoss.length,
      seed,
      trialSeeds: os.map((o) => o.spec.seed).join(','),
      cutAfterAck: os.map((o) => o.spec.cutAfterAck).join(','),
      cutMs: os.map((o) => o.cutAfterMs ?? '?').join(','),
      ackedPerTrial: ok.map((o) => o.acked).join(','),
      lostPerTrial: ok.map((o) => o.lost).join(','),
      intactBeyondAck: ok.reduce((s, o) => s + o.intactBeyondAck, 0),
      secondsPerTrial: os.length ? Number((os.reduce((s, o) => s + o.seconds, 0) / os.length).toFixed(1)) : 0,
      filesystem: FS_OF[d.writer] === 'dax' ? 'ext4 -o dax=always on an fsdax namespace' : 'ext4 on a BTT sector namespace (no DAX)',
      fsckClean: fsckBad.length === 0,
      guestBoots: chain.boots,
      chainSeconds: Number(chain.totalSeconds.toFixed(1)),
      trialsPerMinute: Number(((chain.outcomes.length * 60) / Math.max(chain.totalSeconds, 0.001)).toFixed(1)),
    };
    const gran = [...new Set(ok.map((o) => o.granularity).filter((g): g is string => !!g))];
    // which build the trials really tested, as the writer's dynamic linker resolved it
    const libs = [...new Set(ok.map((o) => o.libraries).filter((x): x is string => !!x))];
    if (libs.length) details.librariesLoaded = libs.join('; ');
    // the copies in the results share are of these files
    const builds = Object.entries(opts.builds ?? {});
    if (builds.length) details.buildsByPath = builds.map(([n, f]) => `${n}=${f}`).join('; ');
    if (gran.length) details.granularity = gran.join(',');
    if (withLoss.length)
      details.lostSample = withLoss
        .flatMap((o) => o.lostSample.slice(0, 2).map((x) => `seed ${o.spec.seed}: ${x}`))
        .slice(0, 6)
        .join('; ');
    if (ok.some((o) => o.full)) details.writerRanOutBeforeCut = ok.filter((o) => o.full).length;
    if (errs.length) details.trialErrors = errs.map((o) => o.error).join('; ');
    const observed = { code: 0, name: lost === 0 ? 'no loss' : 'loss', at: d.at, details };
    const errNote = errs.length
      ? ` ${errs.length} of ${os.length} trials failed in the harness: ${errs.map((o) => o.error).join('; ')}.`
      : '';
    if (ok.length === 0) return { ...base, verdict: 'error', reason: `no trial completed:${errNote}`, observed, durationMs, seed };
    let verdict: Verdict;
    let reason: string | undefined;
    let note: string | undefined;
    const fsckNote = fsckBad.length
      ? ` e2fsck -fn was not clean after ${fsckBad.length} cut(s): ${fsckBad.map((o) => `rc ${o.fsckRc} (${o.fsckSummary ?? ''})`).join('; ')}.`
      : '';
    if (d.expect === 'survive') {
      if (acked === 0) {
        verdict = 'skip';
        reason = `no record was acknowledged before the cut in ${ok.length} trials: nothing was tested.${errNote}`;
      } else if (lost > 0 || fsckBad.length) {
        verdict = 'diverge';
        reason = `${lost > 0 ? `lost ${lost} of ${acked} acknowledged records in ${withLoss.length} of ${ok.length} trials (${details.lostSample ?? ''}).` : ''}${fsckNote}${errNote}`;
      } else {
        verdict = 'pass';
        note = `0 of ${acked} acknowledged records lost over ${ok.length} power cuts. ${d.impl === 'libpmem2' ? teeth : `${teeth} (libpmem2 controls)`}.${errNote}`;
      }
    } else if (lost > 0) {
      verdict = 'pass';
      note = `the control has teeth: lost ${lost} of ${acked} acknowledged records, in ${withLoss.length} of ${ok.length} trials.${fsckNote}${errNote}`;
    } else {
      verdict = 'skip';
      reason = `control had no teeth: 0 of ${acked} acknowledged records lost over ${ok.length} trials, so this run cannot show that the trial detects loss (reported as skip, not pass: the page permits survival without msync, so it is no divergence of the library).${fsckNote}${errNote}`;
    }
    return { ...base, verdict, ...(reason ? { reason } : {}), ...(note ? { note } : {}), observed, durationMs, seed };
  });
}

/** the durability campaign: power-cut trials in their own guest, once per run */
export const durabilityCampaign: Campaign = {
  name: 'durability',
  scope: 'plan',
  async run(ctx: CampaignContext) {
    const d = ctx.plan.durability;
    if (!d) return;
    const t0 = Date.now();
    const cases = await runDurability({
      trials: d.trials,
      seed: ctx.plan.seed,
      signal: ctx.signal,
      implementations: d.implementations,
      ...(d.builds ? { builds: d.builds } : {}),
      onLog: (l) => ctx.log(l),
    });
    for (const c of cases) ctx.emit(c);
    ctx.addFixtures([durabilityFixtureInfo()]);
    ctx.notice(`durability: ${d.trials} trial(s) per variant in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  },
};
