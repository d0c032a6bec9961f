/**
 * Arbitraries for mapping situations, composed from small ones and biased
 * toward the edges the pages talk about: 0, the alignment and one byte
 * either side of it, the source size, INT64_MAX and SIZE_MAX.
 */
import fc from 'fast-check';
import type { FixtureFacts, Granularity, MapSituation } from './model/pmem2_map.js';

const INT64_MAX = (1n << 63n) - 1n;
const SIZE_MAX = (1n << 64n) - 1n;

/** a byte count in pages, with the one-off edges */
export function pagesAndEdges(page: number, maxPages: number): fc.Arbitrary<bigint> {
  const p = BigInt(page);
  const pages = fc.integer({ min: 0, max: maxPages }).map((n) => BigInt(n) * p);
  const edge = fc.tuple(fc.integer({ min: 0, max: maxPages }), fc.constantFrom(-1n, 1n, p / 2n)).map(([n, d]) => {
    const v = BigInt(n) * p + d;
    return v < 0n ? 0n : v;
  });
  return fc.oneof({ weight: 3, arbitrary: pages }, { weight: 1, arbitrary: edge });
}

/** offsets and lengths far out: the limits of the types the pages name */
export function hugeValues(page: number): fc.Arbitrary<bigint> {
  const p = BigInt(page);
  return fc.constantFrom(INT64_MAX, INT64_MAX + 1n, INT64_MAX + 1n - p, SIZE_MAX, SIZE_MAX - p + 1n, 1n << 62n, (1n << 64n) - (1n << 62n));
}

export function granularity(): fc.Arbitrary<Granularity | null> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant<Granularity>('PAGE') },
    { weight: 1, arbitrary: fc.constantFrom<Granularity | null>('BYTE', 'CACHE_LINE', null) },
  );
}

export function protection(): fc.Arbitrary<MapSituation['prot']> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({ read: true, write: true, exec: false }) },
    { weight: 1, arbitrary: fc.record({ read: fc.boolean(), write: fc.boolean(), exec: fc.boolean() }) },
  );
}

export function mapSituation(facts: FixtureFacts, opts: { maxPages?: number } = {}): fc.Arbitrary<MapSituation> {
  const page = facts.pageSize;
  const maxPages = opts.maxPages ?? 8;
  const small = pagesAndEdges(page, maxPages);
  const maybe = (a: fc.Arbitrary<bigint>) =>
    fc.option(fc.oneof({ weight: 6, arbitrary: a }, { weight: 1, arbitrary: hugeValues(page) }), { nil: undefined, freq: 3 });
  const reservation = fc.option(
    fc.record({
      size: pagesAndEdges(page, maxPages + 4).filter((v) => v > 0n && v % BigInt(page) === 0n),
      offset: pagesAndEdges(page, maxPages),
      occupied: fc.array(
        fc.record({
          offset: fc.integer({ min: 0, max: maxPages }).map((n) => BigInt(n * page)),
          length: fc.integer({ min: 1, max: 2 }).map((n) => BigInt(n * page)),
        }),
        { maxLength: 2 },
      ),
    }),
    { nil: undefined, freq: 4 },
  );
  return fc.record({
    sourceSize: small,
    sourceKind: fc.oneof({ weight: 5, arbitrary: fc.constant<'file'>('file') }, { weight: 1, arbitrary: fc.constant<'anon'>('anon') }),
    openMode: fc.oneof({ weight: 5, arbitrary: fc.constant<'rw'>('rw') }, { weight: 1, arbitrary: fc.constant<'r'>('r') }),
    granularity: granularity(),
    offset: maybe(small),
    length: maybe(small),
    sharing: fc.oneof(
      { weight: 4, arbitrary: fc.constant<'SHARED'>('SHARED') },
      { weight: 1, arbitrary: fc.constant<'PRIVATE'>('PRIVATE') },
    ),
    prot: protection(),
    reservation,
    facts: fc.constant(facts),
  }) as fc.Arbitrary<MapSituation>;
}
