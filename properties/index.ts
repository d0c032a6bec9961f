import type { PropertyDef } from './framework.js';
import { pmem2DataPath, pmemsetDataPath } from './data_path.js';
import { mapNewParameters } from './pmem2_map_new.js';
import { reservationSequences } from './pmem2_vm_reservation.js';
import { setParts, setPartsReservation } from './pmemset_parts.js';
import { setSources } from './pmemset_sources.js';
import { protectionFaults } from './protection.js';

/** every property, by the name --property takes */
export const PROPERTIES: PropertyDef[] = [
  mapNewParameters,
  reservationSequences,
  pmem2DataPath,
  pmemsetDataPath,
  protectionFaults,
  setParts,
  setPartsReservation,
  setSources,
];
