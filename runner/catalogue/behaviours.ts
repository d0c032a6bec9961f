/**
 * Clauses that are not ERRORS bullets: documented behaviours (sentences of
 * DESCRIPTION) and outcomes a page leads to without listing them. Each is
 * tied to a sentence the page really contains; the catalogue keeps it only
 * for the copies of the page where that sentence is found, so a behaviour
 * cannot be invented here.
 */
export interface BehaviourSpec {
  page: string;
  function: string;
  /** a short label, the clause's documented "name" */
  name: string;
  kind: 'behaviour' | 'unlisted';
  /** words the page writes (whitespace and markup ignored); alternatives for copies worded differently */
  quote: string | string[];
}

export const BEHAVIOURS: BehaviourSpec[] = [
  {
    page: 'pmem2_map_new',
    function: 'pmem2_map_new',
    name: 'map_ptr NULL on failure',
    kind: 'behaviour',
    quote: 'If the mapping fails the variable pointed by map_ptr will contain a NULL value and appropriate error value will be returned.',
  },
  {
    page: 'pmem2_map_new',
    function: 'pmem2_map_new',
    name: 'new mapping stored in map_ptr',
    kind: 'behaviour',
    quote: 'The pointer to this newly created object is stored in the user-provided variable passed via the map_ptr pointer.',
  },
  {
    page: 'pmem2_map_new',
    function: 'pmem2_map_new',
    name: 'granularity must be appropriate',
    kind: 'unlisted',
    quote: 'For a mapping to succeed, the config structure must have the granularity parameter set to the appropriate level.',
  },
  {
    page: 'pmem2_map_new',
    function: 'pmem2_map_new',
    name: 'mapping at the offset of a reservation',
    kind: 'behaviour',
    quote: 'Optionally, the mapping can be created at the offset of the virtual memory reservation set in the configuration config.',
  },
  {
    page: 'pmem2_vm_reservation_new',
    function: 'pmem2_vm_reservation_new',
    name: 'new reservation stored in rsv_ptr',
    kind: 'behaviour',
    quote: 'The pointer to this object is stored in the user-provided variable via the rsv_ptr pointer.',
  },
  {
    page: 'pmem2_vm_reservation_new',
    function: 'pmem2_vm_reservation_new',
    name: 'addr may be NULL',
    kind: 'behaviour',
    quote: [
      'the addr must be either aligned to an appropriate allocation granularity, or NULL',
      'the addr must be either aligned to an appropriate allocation granularity or NULL',
    ],
  },
  {
    page: 'pmem2_vm_reservation_new',
    function: 'pmem2_vm_reservation_new',
    name: 'size must be aligned',
    kind: 'unlisted',
    quote: [
      'the size has to be aligned to an appropraite allocation granularity.',
      'the size always has to be aligned to an appropriate OS allocation granularity.',
    ],
  },
  {
    page: 'pmem2_vm_reservation_new',
    function: 'pmem2_vm_reservation_delete',
    name: 'reservation kept when delete fails',
    kind: 'behaviour',
    quote: 'For the delete function to succeed, it is required that the reservation passed via the rsv_ptr pointer does not contain any mappings.',
  },
  {
    page: 'pmem2_vm_reservation_new',
    function: 'pmem2_vm_reservation_delete',
    name: 'delete unmaps the reservation',
    kind: 'behaviour',
    quote: 'function destroys the object describing the reservation and unmaps virtual memory region',
  },
  {
    page: 'pmemset_map',
    function: 'pmemset_map',
    name: 'descriptor filled on success',
    kind: 'behaviour',
    quote: 'If an optional descriptor was provided then address and size of the mapping are stored in the descriptor when this function succeeds.',
  },
  {
    page: 'pmemset_map',
    function: 'pmemset_map',
    name: 'whole source when map_cfg is NULL',
    kind: 'behaviour',
    quote: 'If map_cfg is NULL then the whole source from src is mapped.',
  },
  {
    page: 'pmemset_map',
    function: 'pmemset_map',
    name: 'coalescing maps right after the previous part',
    kind: 'behaviour',
    quote: 'With contiguous part coalescing feature enabled, pmemset_map() function tries to map each new part at the virtual memory region that is situated right after the previous mapped part memory range.',
  },
  {
    page: 'pmemset_map',
    function: 'pmemset_map',
    name: 'reservation bounds the parts',
    kind: 'behaviour',
    quote: 'This limits the future part mappings of initialized pmemset to the virtual address space spanned by the provided reservation.',
  },
  {
    page: 'pmemset_map',
    function: 'pmemset_map',
    name: 'mapping retrievable by iteration and address',
    kind: 'behaviour',
    quote: 'The mapping can later be retrieved using pmemset_first_part_map(3), pmemset_next_part_map(3) and pmemset_part_map_by_address(3) functions.',
  },
  {
    page: 'pmemset_part_map',
    function: 'pmemset_part_map',
    name: 'part consumed on success',
    kind: 'behaviour',
    quote: 'When the pmemset_part_map() function succeeds it consumes the part thereby deleting it and the variable pointed by part_ptr is set to NULL.',
  },
  {
    page: 'pmemset_part_map',
    function: 'pmemset_part_map',
    name: 'descriptor filled on success',
    kind: 'behaviour',
    quote: 'If an optional descriptor was provided then address and size of the part mapping are stored in the descriptor when this function succeeds.',
  },
  {
    page: 'pmemset_part_map',
    function: 'pmemset_part_map',
    name: 'coalescing maps right after the previous part',
    kind: 'behaviour',
    quote: 'With contiguous part coalescing feature enabled, pmemset_part_map() function tries to map each new part at the virtual memory region that is situated right after the previous mapped part memory range.',
  },
];

/** whitespace-folded plain text, for finding a quote whatever the markup */
export function foldForQuote(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
