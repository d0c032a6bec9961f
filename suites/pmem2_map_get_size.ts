/**
 * pmem2_map_get_size(3): the size is checked against the length the map
 * was made with (configured, or the rest of the file after the offset) and
 * against what the kernel maps (/proc/self/maps: the file's run of
 * mappings from the map's address ends exactly size bytes later).
 */
import fs from 'node:fs';
import { codeName } from '../runner/core/constants.js';
import type { CaseDef, Suite } from './framework.js';
import { fileAt, labelled } from './pmem2_fn_util.js';
import { config, fileSource, hex, mapNew, SetupError } from './pmem2_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmem2_map_get_size/RETURN VALUE#1',
    fixtures: 'devdax',
    situation:
      'a 4-page file mapped from offset 1 page with no length (3 pages), and with length 2 pages: the size is that length, and /proc/self/maps shows the file mapped over exactly [address, address + size)',
    run: (ctx) => {
      const p = ctx.unit;
      const f = fileSource(ctx, 4 * p);
      const ino = fs.fstatSync(f.fd).ino;
      const details: Record<string, string> = {};
      const wrong: string[] = [];
      for (const [what, o, want] of [
        ['offset 1 page, length unset', { offset: p }, f.size - p],
        ['length 2 pages', { length: 2 * p }, 2 * p],
      ] as const) {
        const r = mapNew(ctx, config(ctx, o), f.src);
        if (r.code !== 0 || !r.map) throw new SetupError(`pmem2_map_new(${what}) returned ${codeName(r.code)}`);
        const size = ctx.addon.mapGetSize(r.map);
        const addr = ctx.addon.mapGetAddress(r.map);
        const at = fileAt(addr);
        details[what] =
          `size ${size} at ${hex(addr)}; the kernel maps ${at ? `inode ${at.inode} up to ${hex(at.runEnd)}` : 'nothing'} there`;
        if (size !== BigInt(want)) wrong.push(`${what}: returned ${size}, the map was made ${want} bytes long`);
        if (!at || at.inode !== ino) wrong.push(`${what}: the file is not mapped at the map's address ${hex(addr)}`);
        else if (at.runEnd !== addr + size)
          wrong.push(`${what}: the file is mapped over ${at.runEnd - addr} bytes from the map's address, not the ${size} returned`);
      }
      return labelled(
        'pmem2_map_get_size(3-page and 2-page maps of a 4-page file)',
        wrong.length ? 'not the mapped length' : 'the mapped length',
        'the mapped length',
        details,
        wrong.join('; '),
      );
    },
  },
];

export const suite: Suite = { name: 'pmem2_map_get_size', implementation: 'libpmem2', pages: ['pmem2_map_get_size'], cases };
