import type { PropertyDef } from './framework.js';
import { mapNewParameters } from './pmem2_map_new.js';
import { reservationSequences } from './pmem2_vm_reservation.js';

/** every property, by the name --property takes */
export const PROPERTIES: PropertyDef[] = [mapNewParameters, reservationSequences];
