/**
 * What suites and properties share about observing a libpmem2 call: the
 * named constants of the installed header they pass, and the Observed
 * record of one call's answer. A call that builds the situation (not the
 * one judged) and fails is the harness's problem: SetupError.
 */
import { noteObserved } from './calllog.js';
import { codeName, mustConstant } from './constants.js';
import type { Observed } from './model.js';
import type { CallResult } from './native.js';

export const C = {
  get BYTE() {
    return mustConstant('libpmem2', 'PMEM2_GRANULARITY_BYTE');
  },
  get CACHE_LINE() {
    return mustConstant('libpmem2', 'PMEM2_GRANULARITY_CACHE_LINE');
  },
  get PAGE() {
    return mustConstant('libpmem2', 'PMEM2_GRANULARITY_PAGE');
  },
  get SHARED() {
    return mustConstant('libpmem2', 'PMEM2_SHARED');
  },
  get PRIVATE() {
    return mustConstant('libpmem2', 'PMEM2_PRIVATE');
  },
  get PROT_READ() {
    return mustConstant('libpmem2', 'PMEM2_PROT_READ');
  },
  get PROT_WRITE() {
    return mustConstant('libpmem2', 'PMEM2_PROT_WRITE');
  },
  get PROT_EXEC() {
    return mustConstant('libpmem2', 'PMEM2_PROT_EXEC');
  },
  get PROT_NONE() {
    return mustConstant('libpmem2', 'PMEM2_PROT_NONE');
  },
};

export const GRANULARITY_NAMES = ['PMEM2_GRANULARITY_BYTE', 'PMEM2_GRANULARITY_CACHE_LINE', 'PMEM2_GRANULARITY_PAGE'];

export function observed(at: string, r: CallResult, details?: Observed['details']): Observed {
  const o: Observed = { code: r.code, name: codeName(r.code), at };
  if (r.message) o.message = r.message;
  if (details) o.details = details;
  noteObserved(o, r);
  return o;
}

/** a step of building the situation failed: the harness, not the clause, is at fault */
export class SetupError extends Error {}

export function check(what: string, r: CallResult): void {
  if (r.code !== 0) throw new SetupError(`${what} returned ${codeName(r.code)}${r.message ? ` (${r.message})` : ''}`);
}
