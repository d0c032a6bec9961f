/**
 * A model of source files, read from pmemset_source_from_file(3)
 * (pmemset_xsource_from_file and its flags) and pmemset_map(3): which files
 * exist, their sizes, and what mapping a part of a file source does to them.
 *
 * Readings where the pages are not explicit, each stated once:
 *  - the create flags act when the source is made (they are arguments of
 *    pmemset_xsource_from_file, which "instantiates" the source): CREATE_ALWAYS
 *    leaves an empty file ("the file will be overwritten"), CREATE_IF_NEEDED
 *    an empty file only where there was none;
 *  - a missing file without a create flag: the pages name no error for it,
 *    so the source may be refused (any error) or made, and then mapping it
 *    must fail (any error);
 *  - CREATE_ALWAYS together with CREATE_IF_NEEDED, and a mode without a
 *    create flag, are not said to be invalid nor what they do: refusing them
 *    (PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS) or either flag's effect is
 *    permitted;
 *  - flag bits the page does not define are invalid flags;
 *  - "The file is extended to designated part size and offset by default":
 *    a part [offset, offset+length) past the end of the file grows it to
 *    offset+length; with DO_NOT_GROW it is refused with
 *    PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL and the file keeps its size;
 *  - a new file gets the mode given, else "RW for user and R for group and
 *    others" (0644), less the process umask as with open(2).
 */

export interface FileState {
  exists: boolean;
  size: bigint;
}

export interface Flags {
  create: 'none' | 'always' | 'if_needed' | 'both';
  doNotGrow: boolean;
  mode?: number;
  /** an undefined low flag bit, or 0 */
  invalidBit: number;
}

export interface ModelSource {
  slot: number;
  flags: Flags;
}

export interface SourcesModel {
  page: bigint;
  files: FileState[];
  /** the live source of each slot (at most one) */
  sources: Map<number, ModelSource>;
}

export interface Expect {
  /** outcomes the pages permit, with the clause each comes from; name '*' is any failure */
  permitted: { name: string; clause: string }[];
}

export const CL = {
  xOk: 'pmemset_source_from_file/RETURN VALUE#1',
  flags: 'pmemset_source_from_file/PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS#1',
  missing: 'pmemset_source_from_file/DESCRIPTION#1',
  always: 'pmemset_source_from_file/PMEMSET_SOURCE_FILE_CREATE_ALWAYS#1',
  ifNeeded: 'pmemset_source_from_file/PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED#1',
  doNotGrow: 'pmemset_source_from_file/PMEMSET_SOURCE_FILE_DO_NOT_GROW#1',
  mode: 'pmemset_source_from_file/PMEMSET_SOURCE_FILE_CREATE_MODE#1',
  delete: 'pmemset_source_delete/RETURN VALUE#1',
  mapOk: 'pmemset_map/RETURN VALUE#1',
  tooSmall: 'pmemset_map/PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL#1',
  lengthUnset: 'pmemset_map/PMEMSET_E_MAP_LENGTH_UNSET#1',
  unaligned: 'pmemset_map/PMEMSET_E_LENGTH_UNALIGNED#1',
  pmem2: 'pmemset_map/libpmem2(7) errors#1',
  whole: 'pmemset_map/whole source when map_cfg is NULL#1',
  desc: 'pmemset_map/descriptor filled on success#1',
};

export const SLOTS = 3;

export function newModel(page: number): SourcesModel {
  return { page: BigInt(page), files: Array.from({ length: SLOTS }, () => ({ exists: false, size: 0n })), sources: new Map() };
}

const ok = (clause: string) => ({ name: '0', clause });

export function expectXsource(m: SourcesModel, slot: number, f: Flags): Expect {
  const invalid = { name: 'PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS', clause: CL.flags };
  if (f.invalidBit) return { permitted: [invalid] };
  const p: Expect['permitted'] = [];
  if (f.create === 'both' || (f.mode !== undefined && f.create === 'none')) p.push(invalid);
  if (f.create === 'none' && !m.files[slot]!.exists) p.push(ok(CL.missing), { name: '*', clause: CL.missing });
  else p.push(ok(f.create === 'always' ? CL.always : f.create === 'if_needed' ? CL.ifNeeded : CL.xOk));
  return { permitted: p };
}

/** the states the file may be in after a successful xsource, with the clause that says so */
export function xsourceOutcomes(m: SourcesModel, slot: number, f: Flags): { states: FileState[]; clause: string } {
  const before = m.files[slot]!;
  const empty = { exists: true, size: 0n };
  switch (f.create) {
    case 'always':
      return { states: [empty], clause: CL.always };
    case 'if_needed':
      return { states: [before.exists ? before : empty], clause: CL.ifNeeded };
    case 'both':
      return { states: before.exists ? [before, empty] : [empty], clause: `${CL.always}, ${CL.ifNeeded}` };
    default:
      return { states: [before], clause: CL.xOk };
  }
}

/** the mode a file newly created by xsource must have */
export function createdMode(f: Flags, umask: number): number {
  return (f.mode ?? 0o644) & ~umask & 0o777;
}

export function applyXsource(m: SourcesModel, slot: number, f: Flags, observed: FileState): void {
  m.files[slot] = observed;
  m.sources.set(slot, { slot, flags: f });
}

/** pmemset_map of [off, off+len) of the slot's source; len undefined: map_cfg NULL (the whole source) */
export function expectMap(m: SourcesModel, slot: number, off: bigint, len: bigint | undefined): Expect {
  const file = m.files[slot]!;
  const src = m.sources.get(slot)!;
  if (!file.exists) return { permitted: [{ name: '*', clause: CL.missing }] };
  if (len === undefined) {
    if (file.size === 0n) return { permitted: [{ name: 'PMEMSET_E_MAP_LENGTH_UNSET', clause: CL.lengthUnset }] };
    if (file.size % m.page !== 0n)
      return {
        permitted: [
          ok(CL.whole),
          { name: 'PMEMSET_E_LENGTH_UNALIGNED', clause: CL.unaligned },
          { name: 'PMEM2_E_LENGTH_UNALIGNED', clause: CL.pmem2 },
        ],
      };
    return { permitted: [ok(CL.whole)] };
  }
  if (off + len > file.size && src.flags.doNotGrow)
    return { permitted: [{ name: 'PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL', clause: CL.tooSmall }] };
  return { permitted: [ok(off + len > file.size ? CL.doNotGrow : CL.mapOk)] };
}

export function applyMap(m: SourcesModel, slot: number, off: bigint, len: bigint | undefined): bigint {
  const file = m.files[slot]!;
  const l = len ?? file.size;
  if (off + l > file.size) file.size = off + l;
  return l;
}
