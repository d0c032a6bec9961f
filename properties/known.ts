/**
 * What the runner needs of the properties without running one: kept apart
 * from framework.ts, which loads fast-check (half a megabyte the CLI would
 * otherwise compile on every start, twenty times slower in a TCG guest).
 */

/** a known divergence's observedName that matches whatever the library answered */
export const ANY_NAME = '*';
