/**
 * The call log of one case: every call it makes through the addon (the
 * library's functions and the addon's helpers) and the file-system calls
 * that build its fixture files, with their arguments and what they
 * returned, in order. A standalone C reproducer is generated from it
 * (reports/repro.ts), so the log records values, never interpretations:
 * handles as kind and id, bigints and buffers in a JSON-safe form.
 */
import fs from 'node:fs';
import type { CallRecord, Observed } from './model.js';
import type { Addon } from './native.js';

let current: CallRecord[] | undefined;
/**
 * the record of the call a result object came from, to mark the one a case
 * judged; of the current (or last) recording only, emptied when the next
 * starts: a WeakMap of every result a property ever made cost more in
 * garbage collection than the calls it logged
 */
const origin = new Map<object, CallRecord>();
/**
 * The buffers of the current log, copied when the call was made and turned
 * into hex only when the log is kept: a property logs every run and keeps
 * only the failing one's, and hex of every buffer read back after every
 * step was a visible part of its time.
 */
let pendingHex: { holder: { buf: string }; bytes: Buffer }[] = [];

/** encode -- a value as the log keeps it: handles {h, id}, bigints {n}, buffers {buf}; functions dropped */
export function encode(v: unknown): unknown {
  return encodeWith(v, (b) => ({ buf: b.toString('hex') }));
}

/** encodeWith -- encode, with `buffer` making the form of a buffer */
function encodeWith(v: unknown, buffer: (b: Buffer) => unknown): unknown {
  // the common values first, without allocating: a property logs a few hundred thousand of them
  switch (typeof v) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'undefined':
      return v;
    case 'bigint':
      return { n: v.toString() };
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (v === null) return v;
  if (Buffer.isBuffer(v)) return buffer(v);
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = encodeWith(v[i], buffer);
    return out;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.kind === 'string' && typeof o.id === 'number' && Object.keys(o).length === 2) return { h: o.kind, id: o.id };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = encodeWith(o[k], buffer);
  return out;
}

/** the form of a buffer the call was given in the current log: its bytes as they are now (the caller may reuse it), hex filled in if the log is kept */
function laterHex(b: Buffer): { buf: string } {
  const holder = { buf: '' };
  pendingHex.push({ holder, bytes: Buffer.from(b) });
  return holder;
}

/**
 * the same for a buffer the addon returned: its own copy of memory, which
 * the harness only reads, so it is kept as it is rather than copied again
 * (a parts property reads every part back after every step)
 */
function laterHexReturned(b: Buffer): { buf: string } {
  const holder = { buf: '' };
  pendingHex.push({ holder, bytes: b });
  return holder;
}

function push(fn: string, args: unknown[]): CallRecord | undefined {
  if (!current) return undefined;
  const enc = new Array<unknown>(args.length);
  for (let i = 0; i < args.length; i++) enc[i] = encodeWith(args[i], laterHex);
  const rec: CallRecord = { fn, args: enc };
  current.push(rec);
  return rec;
}

function finish(rec: CallRecord | undefined, ret: unknown): void {
  if (!rec) return;
  if (ret !== undefined) rec.ret = encodeWith(ret, laterHexReturned);
  if (ret !== null && typeof ret === 'object') origin.set(ret, rec);
}

/** recordingAddon -- the addon, with every method call logged while a recording runs */
export function recordingAddon(addon: Addon): Addon {
  // one logging wrapper per method, made on its first use (not one per property access)
  const wrappers = new Map<string, (...args: unknown[]) => unknown>();
  return new Proxy(addon, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      let w = wrappers.get(prop);
      if (w === undefined || (w as { of?: unknown }).of !== v) {
        const fn = v as (...a: unknown[]) => unknown;
        w = (...args: unknown[]) => {
          const rec = push(prop, args);
          const ret = fn.apply(target, args);
          finish(rec, ret);
          return ret;
        };
        (w as { of?: unknown }).of = v;
        wrappers.set(prop, w);
      }
      return w;
    },
  });
}

/** the file-system calls that build a case's files (fixture files, descriptors swapped or closed) */
const FS_CALLS = ['openSync', 'closeSync', 'ftruncateSync', 'writeSync', 'mkdirSync', 'unlinkSync', 'rmSync'] as const;
const originals = new Map<string, unknown>();

function patchFs(): void {
  const mutable = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of FS_CALLS) {
    const orig = mutable[name]!;
    originals.set(name, orig);
    mutable[name] = (...args: unknown[]) => {
      const rec = push(`fs.${name}`, args);
      const ret = orig.apply(fs, args);
      finish(rec, ret);
      return ret;
    };
  }
}

function unpatchFs(): void {
  const mutable = fs as unknown as Record<string, unknown>;
  for (const [name, orig] of originals) mutable[name] = orig;
  originals.clear();
}

/** startRecording -- from now on calls through a recording addon and the file system are logged */
export function startRecording(): void {
  if (current) unpatchFs();
  current = [];
  pendingHex = [];
  origin.clear();
  patchFs();
}

/** stopRecording -- ends the recording and returns its log */
export function stopRecording(): CallRecord[] {
  const log = current ?? [];
  for (const { holder, bytes } of pendingHex) holder.buf = bytes.toString('hex');
  pendingHex = [];
  current = undefined;
  unpatchFs();
  return log;
}

/** discardRecording -- ends the recording without keeping its log */
export function discardRecording(): void {
  pendingHex = [];
  current = undefined;
  unpatchFs();
}

/** noteObserved -- `o` was made from `result`: the call `result` came from is the one a case judges if it reports `o` */
export function noteObserved(o: Observed, result: object): void {
  const rec = origin.get(result);
  if (rec) origin.set(o, rec);
}

/** markJudged -- marks the call the case's reported Observed came from (when it came from one) */
export function markJudged(o: Observed): void {
  const rec = origin.get(o);
  if (rec) rec.judged = true;
}
