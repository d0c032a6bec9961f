/**
 * Judging for the model-based command sequences (reservation, pmemset parts
 * and sources): every step's answer is compared with what the model permits,
 * and a divergence the suites already reported in this run is counted
 * rather than thrown, so that a sequence goes on to find what is new.
 */
import type { Observed } from '../runner/core/model.js';
import type { KnownDivergence } from './framework.js';
import { DivergenceError, knownDivergence } from './framework.js';

/** what judging reads and writes on a sequence's real side */
export interface Judging {
  known: KnownDivergence[];
  /** known divergences met, by "clause: name" */
  hits: Record<string, number>;
  /** the steps so far, the current one last */
  log: string[];
}

/** what a call returned, as the suites record it */
export { observed as obs } from '../runner/core/observe.js';

function count(real: Judging, key: string): void {
  real.hits[key] = (real.hits[key] ?? 0) + 1;
}

/**
 * true when `o` is a success the model permits, false when it is a permitted
 * failure or a known divergence against one of `clauses`; anything else is
 * thrown. Name '*' permits any failure; `start` stands for the steps before
 * the first one.
 */
export function judgeAnswer(real: Judging, o: Observed, names: string[], clauses: string[], start: string): boolean {
  if (names.includes(o.name) || (names.includes('*') && o.name !== '0')) return o.name === '0';
  const k = knownDivergence(real.known, clauses, o.name);
  if (k) {
    count(real, `${k.clause}: ${o.name}`);
    return false;
  }
  const shown = names.map((n) => (n === '*' ? 'any error' : n));
  throw new DivergenceError({
    situation: real.log.join('; '),
    observed: o,
    permitted: shown,
    clause: clauses.join(', '),
    message: `after ${real.log.slice(0, -1).join('; ') || start}: ${o.at} returned ${o.name}; the pages permit ${shown.join(', ')}`,
  });
}

/** a state divergence (not a return code) that `key` names: counted when already known against one of `clauses`, thrown otherwise */
export function stateDivergence(real: Judging, clauses: string[], key: string, message: string): void {
  const k = knownDivergence(real.known, clauses, key, key);
  if (k) {
    count(real, `${k.clause}: ${key}`);
    return;
  }
  throw new DivergenceError({
    situation: real.log.join('; '),
    clause: clauses.join(', '),
    key,
    message: `after ${real.log.join('; ')}: ${message}`,
  });
}
