/**
 * Model-based sequences over source files: the harness prepares files of
 * various sizes (or removes them), pmemset_xsource_from_file opens them with
 * CREATE_ALWAYS / CREATE_IF_NEEDED / DO_NOT_GROW (and modes, and undefined
 * flag bits), and parts are mapped at offsets and lengths that fit in the
 * file or run past its end — checked after every step against the model of
 * model/pmemset_sources.ts: each call's return code, and every file's
 * existence and size (fs.statSync), a new file's mode, and that what is
 * written through a mapped part lands in the file at the part's offset.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { mustConstant } from '../runner/core/constants.js';
import type { Observed } from '../runner/core/model.js';
import type { Addon, SetSource } from '../runner/core/native.js';
import { C } from '../runner/core/observe.js';
import type { PropertyContext, PropertyDef } from './framework.js';
import { checkProperty, splitPath } from './framework.js';
import type { Judging } from './commands.js';
import { judgeAnswer, obs, stateDivergence } from './commands.js';
import type { Expect, FileState, Flags, SourcesModel } from './model/pmemset_sources.js';
import * as M from './model/pmemset_sources.js';
import { CL } from './model/pmemset_sources.js';

interface Real extends Judging {
  a: Addon;
  page: bigint;
  files: string[];
  sources: Map<number, SetSource>;
  umask: number;
}

type Cmd = fc.Command<SourcesModel, Real>;

function judge(real: Real, o: Observed, e: Expect): boolean {
  return judgeAnswer(
    real,
    o,
    e.permitted.map((p) => p.name),
    [...new Set(e.permitted.map((p) => p.clause))],
    'nothing',
  );
}

function fail(real: Real, clause: string, key: string, message: string): void {
  stateDivergence(real, clause.split(', '), key, message);
}

function stat(file: string): FileState & { mode: number } {
  // a missing file is an answer, not an exception: every slot is looked at after every step, and an
  // ENOENT error with its stack for each missing one was a visible part of this property's time
  const s = fs.statSync(file, { throwIfNoEntry: false });
  return s ? { exists: true, size: BigInt(s.size), mode: s.mode & 0o777 } : { exists: false, size: 0n, mode: 0 };
}

const show = (f: FileState) => (f.exists ? `${f.size} bytes` : 'missing');

/** after every step: every file exists and has the size the model says */
function checkInvariants(m: SourcesModel, real: Real, clause: string): void {
  for (let i = 0; i < M.SLOTS; i++) {
    const got = stat(real.files[i]!);
    const want = m.files[i]!;
    if (got.exists !== want.exists || got.size !== want.size)
      fail(real, clause, 'file size', `file ${i} is ${show(got)}, the model says ${show(want)}`);
  }
}

class Prepare implements Cmd {
  /** size in bytes; undefined removes the file */
  constructor(
    readonly slot: number,
    readonly size: number | undefined,
  ) {}
  check = (m: Readonly<SourcesModel>) => !m.sources.has(this.slot);
  run(m: SourcesModel, real: Real): void {
    real.log.push(this.toString());
    const f = real.files[this.slot]!;
    fs.rmSync(f, { force: true });
    if (this.size !== undefined) fs.writeFileSync(f, Buffer.alloc(this.size, 0xee));
    m.files[this.slot] = { exists: this.size !== undefined, size: BigInt(this.size ?? 0) };
  }
  toString = () => `file ${this.slot} ${this.size === undefined ? 'removed' : `of ${this.size} bytes`}`;
}

function flagBits(f: Flags): bigint {
  let v = 0n;
  if (f.create === 'always' || f.create === 'both') v |= BigInt(mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_CREATE_ALWAYS'));
  if (f.create === 'if_needed' || f.create === 'both') v |= BigInt(mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED'));
  if (f.doNotGrow) v |= BigInt(mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_DO_NOT_GROW'));
  if (f.mode !== undefined) v |= BigInt(f.mode) << 32n; // PMEMSET_SOURCE_FILE_CREATE_MODE(mode)
  return v | BigInt(f.invalidBit);
}

function flagText(f: Flags): string {
  const parts: string[] = [];
  if (f.create === 'always' || f.create === 'both') parts.push('CREATE_ALWAYS');
  if (f.create === 'if_needed' || f.create === 'both') parts.push('CREATE_IF_NEEDED');
  if (f.doNotGrow) parts.push('DO_NOT_GROW');
  if (f.mode !== undefined) parts.push(`MODE(0${f.mode.toString(8)})`);
  if (f.invalidBit) parts.push(`0x${f.invalidBit.toString(16)}`);
  return parts.join('|') || '0';
}

/** deletes the slot's live source, if any ("pmemset_source_delete() always returns 0") */
function deleteSource(m: SourcesModel, real: Real, slot: number): void {
  const src = real.sources.get(slot);
  if (!src) return;
  real.sources.delete(slot);
  m.sources.delete(slot);
  const r = real.a.setSourceDelete(src);
  judge(real, obs(`pmemset_source_delete(source of file ${slot})`, r), { permitted: [{ name: '0', clause: CL.delete }] });
}

class Xsource implements Cmd {
  constructor(
    readonly slot: number,
    readonly flags: Flags,
  ) {}
  check = () => true;
  run(m: SourcesModel, real: Real): void {
    real.log.push(this.toString());
    deleteSource(m, real, this.slot);
    const before = { ...m.files[this.slot]! };
    const r = real.a.setXsourceFromFile(real.files[this.slot]!, flagBits(this.flags));
    const e = M.expectXsource(m, this.slot, this.flags);
    const clauses = e.permitted.map((p) => p.clause).join(', ');
    if (judge(real, obs(`pmemset_xsource_from_file(file ${this.slot}, ${flagText(this.flags)})`, r), e)) {
      const out = M.xsourceOutcomes(m, this.slot, this.flags);
      const got = stat(real.files[this.slot]!);
      const match = out.states.find((s) => s.exists === got.exists && s.size === got.size);
      if (!match)
        return fail(
          real,
          out.clause,
          'file size',
          `file ${this.slot} is ${show(got)} after pmemset_xsource_from_file(${flagText(this.flags)}); it was ${show(before)}, the pages give ${out.states.map(show).join(' or ')}`,
        );
      if (!before.exists && got.exists && got.mode !== M.createdMode(this.flags, real.umask))
        fail(
          real,
          CL.mode,
          'file mode',
          `the file pmemset_xsource_from_file(${flagText(this.flags)}) created has mode 0${got.mode.toString(8)}, the pages give 0${M.createdMode(this.flags, real.umask).toString(8)} (umask 0${real.umask.toString(8)})`,
        );
      M.applyXsource(m, this.slot, this.flags, match);
      real.sources.set(this.slot, r.source!);
    } else if (r.source) real.a.setSourceDelete(r.source);
    checkInvariants(m, real, clauses);
  }
  toString = () => `xsource(file ${this.slot}, ${flagText(this.flags)})`;
}

class MapPart implements Cmd {
  /** lenPages undefined: map_cfg NULL, the whole source */
  constructor(
    readonly pick: number,
    readonly offPages: number,
    readonly lenPages: number | undefined,
  ) {}
  check = (m: Readonly<SourcesModel>) => m.sources.size > 0;
  run(m: SourcesModel, real: Real): void {
    const a = real.a;
    const slots = [...m.sources.keys()].sort();
    if (!slots.length) return;
    const slot = slots[this.pick % slots.length]!;
    const off = this.lenPages === undefined ? 0n : BigInt(this.offPages) * m.page;
    const len = this.lenPages === undefined ? undefined : BigInt(this.lenPages) * m.page;
    const what = len === undefined ? `map(file ${slot}, whole source)` : `map(file ${slot}, offset ${this.offPages}p, ${this.lenPages}p)`;
    real.log.push(what);
    const cfg = a.setConfigNew().config!;
    a.setConfigSetRequiredStoreGranularity(cfg, C.PAGE);
    const set = a.setNew(cfg).set!;
    let mc = null;
    if (len !== undefined) {
      mc = a.setMapConfigNew().mapConfig!;
      a.setMapConfigSetOffset(mc, off);
      a.setMapConfigSetLength(mc, len);
    }
    try {
      const r = a.setMap(set, real.sources.get(slot)!, mc, true);
      const e = M.expectMap(m, slot, off, len);
      const clauses = e.permitted.map((p) => p.clause).join(', ');
      if (judge(real, obs(`pmemset_map(${what.slice(4, -1)})`, r), e)) {
        const l = M.applyMap(m, slot, off, len);
        if (!r.descriptor || r.descriptor.size !== l)
          return fail(
            real,
            CL.desc,
            'descriptor',
            `pmemset_map succeeded with the descriptor ${r.descriptor ? `of ${r.descriptor.size} bytes` : 'not filled'}, the part is ${l} bytes`,
          );
        // what is written through the part lands in the file at the part's offset
        const byte = 0x11 + ((real.log.length * 29) % 200);
        if (a.isMapped(r.descriptor.addr, l, 'rw')) {
          a.setMemcpy(set, r.descriptor.addr, Buffer.alloc(Number(l), byte), 0);
          const fd = fs.openSync(real.files[slot]!, 'r');
          const back = Buffer.alloc(Number(l));
          fs.readSync(fd, back, 0, Number(l), Number(off));
          fs.closeSync(fd);
          const bad = back.findIndex((b) => b !== byte);
          if (bad >= 0)
            fail(
              real,
              CL.mapOk,
              'data',
              `0x${byte.toString(16)} written through the part is not in the file at offset ${off + BigInt(bad)} (0x${back[bad]!.toString(16)} there)`,
            );
        } else
          fail(
            real,
            CL.mapOk,
            'unmapped',
            `the part pmemset_map made (0x${r.descriptor.addr.toString(16)} +${l}) is not mapped read-write`,
          );
      }
      checkInvariants(m, real, clauses);
    } finally {
      if (mc) a.setMapConfigDelete(mc);
      a.setDelete(set);
      a.setConfigDelete(cfg);
    }
  }
  toString = () => `map(source ${this.pick}, ${this.lenPages === undefined ? 'whole' : `${this.offPages}p, ${this.lenPages}p`})`;
}

class DeleteSource implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<SourcesModel>) => m.sources.size > 0;
  run(m: SourcesModel, real: Real): void {
    const slots = [...m.sources.keys()].sort();
    if (!slots.length) return;
    const slot = slots[this.pick % slots.length]!;
    real.log.push(`delete source of file ${slot}`);
    deleteSource(m, real, slot);
    checkInvariants(m, real, CL.delete);
  }
  toString = () => `delete(source ${this.pick})`;
}

export function commandArbitraries(page: number): fc.Arbitrary<Cmd>[] {
  const slot = fc.integer({ min: 0, max: M.SLOTS - 1 });
  const size = fc.constantFrom<number | undefined>(undefined, 0, page, 2 * page, 3 * page, page + 100);
  const flags: fc.Arbitrary<Flags> = fc
    .record({
      create: fc.constantFrom<Flags['create']>('none', 'always', 'always', 'if_needed', 'if_needed', 'both'),
      doNotGrow: fc.boolean(),
      mode: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(0o600, 0o640) }),
      invalidBit: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(1 << 3, 1 << 16) }),
    })
    .map((f) => (f.mode === undefined ? { create: f.create, doNotGrow: f.doNotGrow, invalidBit: f.invalidBit } : (f as Flags)));
  return [
    fc.tuple(slot, size).map(([s, z]) => new Prepare(s, z)),
    fc.tuple(slot, flags).map(([s, f]) => new Xsource(s, f)),
    fc.tuple(slot, flags).map(([s, f]) => new Xsource(s, f)),
    fc
      .tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 5 }))
      .map(([p, o, l]) => new MapPart(p, o, l)),
    fc
      .tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 5 }))
      .map(([p, o, l]) => new MapPart(p, o, l)),
    fc.nat().map((p) => new DeleteSource(p)),
  ];
}

export const setSources: PropertyDef = {
  name: 'pmemset/sources',
  implementation: 'libpmemset',
  page: 'pmemset_source_from_file(3) [model]',
  function: 'pmemset_xsource_from_file, pmemset_map',
  title:
    'sequences of pmemset_xsource_from_file (CREATE_ALWAYS / CREATE_IF_NEEDED / DO_NOT_GROW, modes, invalid flags) on existing and missing files and pmemset_map of parts that fit or run past the file agree with a model of the files after every step: return codes, existence, size, mode, data',
  weight: 0.8,
  reads: 'pmemset_source_from_file(3), pmemset_map(3), pmemset_source_delete(3)',
  run(ctx: PropertyContext) {
    const page = ctx.caps.pageSize;
    const dir = ctx.fixture.directory();
    const replay = ctx.fc.path ? splitPath(ctx.fc.path).commands : undefined;
    const files = Array.from({ length: M.SLOTS }, (_, i) => path.join(dir, `prop-src-${process.pid}-${i}`));
    const umask = process.umask();
    try {
      return checkProperty(
        ctx,
        fc.commands(commandArbitraries(page), { maxCommands: 30, size: 'large', ...(replay !== undefined ? { replayPath: replay } : {}) }),
        (cmds, hits) => {
          for (const f of files) fs.rmSync(f, { force: true });
          const real: Real = { a: ctx.addon, page: BigInt(page), files, sources: new Map(), umask, known: ctx.known, hits, log: [] };
          try {
            fc.modelRun(() => ({ model: M.newModel(page), real }), cmds);
          } finally {
            for (const s of real.sources.values()) ctx.addon.setSourceDelete(s);
          }
        },
      );
    } finally {
      for (const f of files) fs.rmSync(f, { force: true });
    }
  },
};
