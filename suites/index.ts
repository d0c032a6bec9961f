import type { Suite } from './framework.js';
import { suite as pmem2MapNew } from './pmem2_map_new.js';
import { suite as pmem2VmReservation } from './pmem2_vm_reservation.js';
import { suite as pmemsetMap } from './pmemset_map.js';
import { suite as pmemsetPartMap } from './pmemset_part_map.js';

/** every suite, by the name --suite takes */
export const SUITES: Suite[] = [pmem2MapNew, pmem2VmReservation, pmemsetMap, pmemsetPartMap];
