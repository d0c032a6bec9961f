/**
 * pmem2_map_get_address(3): the address is checked against where the
 * kernel says the file is mapped (/proc/self/maps: the file's inode at the
 * configured offset), against the file's bytes read at that address, and
 * against a reservation's address plus the offset the map was placed at.
 */
import fs from 'node:fs';
import type { CaseDef, Suite } from './framework.js';
import { fileAt, labelled, pattern } from './pmem2_fn_util.js';
import { config, fileSource, hex, mapNew, reservation, SetupError, writeMedium } from './pmem2_util.js';
import { codeName } from '../runner/core/constants.js';

const cases: CaseDef[] = [
  {
    key: 'pmem2_map_get_address/RETURN VALUE#1',
    fixtures: 'devdax',
    situation:
      'a 2-page map at offset 1 page of a 4-page file: the address is where /proc/self/maps shows that file at offset 1 page, and holds its bytes; a 2-page map at offset 1 page of a 4-page reservation: the address is the reservation + 1 page',
    run: (ctx) => {
      const p = ctx.unit;
      const f = fileSource(ctx, 4 * p);
      const content = pattern(4 * p, 7);
      writeMedium(ctx, f, content, 0);
      const r = mapNew(ctx, config(ctx, { offset: p, length: 2 * p }), f.src);
      if (r.code !== 0 || !r.map) throw new SetupError(`pmem2_map_new(offset 1 page) returned ${codeName(r.code)}`);
      const addr = ctx.addon.mapGetAddress(r.map);
      const ino = fs.fstatSync(f.fd).ino;
      const at = fileAt(addr);
      const details: Record<string, string> = { returned: hex(addr), inode: String(ino) };
      const wrong: string[] = [];
      if (!at) wrong.push('nothing is mapped there');
      else {
        details.kernel = `inode ${at.inode} offset ${at.offset} (${at.path})`;
        if (at.inode !== ino) wrong.push(`the kernel maps inode ${at.inode} there, not the file's ${ino}`);
        else if (at.offset !== BigInt(p)) wrong.push(`the file is mapped there at offset ${at.offset}, not ${p}`);
        else if (!ctx.addon.readAddress(addr, 2 * p).equals(content.subarray(p, 3 * p))) wrong.push("the bytes there are not the file's");
      }

      const rsv = reservation(ctx, 4 * p);
      const base = ctx.addon.reservationGetAddress(rsv);
      const g = fileSource(ctx, 2 * p);
      const inRsv = mapNew(ctx, config(ctx, { reservation: rsv, reservationOffset: p, length: 2 * p }), g.src);
      if (inRsv.code !== 0 || !inRsv.map) throw new SetupError(`pmem2_map_new(reservation offset 1 page) returned ${codeName(inRsv.code)}`);
      const rAddr = ctx.addon.mapGetAddress(inRsv.map);
      details.reservation = hex(base);
      details.returnedInReservation = hex(rAddr);
      if (rAddr !== base + BigInt(p))
        wrong.push(`in the reservation it returned ${hex(rAddr)}, not reservation + 1 page (${hex(base + BigInt(p))})`);
      return labelled(
        'pmem2_map_get_address(file map at offset 1 page; map at reservation offset 1 page)',
        wrong.length ? 'not where the mapping is' : 'where the mapping is',
        'where the mapping is',
        details,
        wrong.join('; '),
      );
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_map_get_address',
  implementation: 'libpmem2',
  pages: ['pmem2_map_get_address'],
  cases,
};
