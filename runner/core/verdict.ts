/**
 * The verdict of one case: the page is the specification. An observed
 * outcome in the permitted set passes; anything else diverges. Where a page
 * does not say which of two errors wins, the case permits both.
 */
import type { Clause } from './catalogue.js';
import { codeOf } from './constants.js';
import type { Observed, Verdict } from './model.js';

export interface Judgement {
  verdict: Verdict;
  reason?: string;
}

export function judge(observed: Observed, permitted: readonly string[]): Judgement {
  if (permitted.length === 0) return { verdict: 'error', reason: 'the case permits no outcome (harness bug)' };
  if (permitted.includes(observed.name)) return { verdict: 'pass' };
  // a header may define two names for one value (an alias kept for an older API)
  if (observed.name !== '0' && permitted.some((n) => safeCodeOf(n) === observed.code)) return { verdict: 'pass' };
  const said =
    permitted.length === 1
      ? permitted[0]
      : permitted.length <= 4
        ? `one of ${permitted.join(', ')}`
        : `one of the ${permitted.length} errors it lists`;
  return { verdict: 'diverge', reason: `page permits ${said}; ${observed.at} returned ${observed.name}` };
}

/** why a clause does not run on this platform at all, or undefined */
export function platformSkip(clause: Clause, platform: NodeJS.Platform = process.platform): string | undefined {
  if (clause.platform === 'windows' && platform !== 'win32') return 'Windows only';
  if (clause.platform === 'linux' && platform !== 'linux') return 'Linux only';
  if (clause.platform === 'freebsd' && platform !== 'freebsd') return 'FreeBSD only';
  return undefined;
}

function safeCodeOf(name: string): number | undefined {
  try {
    return codeOf(name);
  } catch {
    return undefined; // no constant table (unit tests without a build)
  }
}
