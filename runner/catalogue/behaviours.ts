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
    quote:
      'For the delete function to succeed, it is required that the reservation passed via the rsv_ptr pointer does not contain any mappings.',
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
    quote:
      'If an optional descriptor was provided then address and size of the mapping are stored in the descriptor when this function succeeds.',
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
    quote:
      'With contiguous part coalescing feature enabled, pmemset_map() function tries to map each new part at the virtual memory region that is situated right after the previous mapped part memory range.',
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
    quote:
      'The mapping can later be retrieved using pmemset_first_part_map(3), pmemset_next_part_map(3) and pmemset_part_map_by_address(3) functions.',
  },
  {
    page: 'pmemset_part_map',
    function: 'pmemset_part_map',
    name: 'part consumed on success',
    kind: 'behaviour',
    quote:
      'When the pmemset_part_map() function succeeds it consumes the part thereby deleting it and the variable pointed by part_ptr is set to NULL.',
  },
  {
    page: 'pmemset_part_map',
    function: 'pmemset_part_map',
    name: 'descriptor filled on success',
    kind: 'behaviour',
    quote:
      'If an optional descriptor was provided then address and size of the part mapping are stored in the descriptor when this function succeeds.',
  },
  {
    page: 'pmemset_part_map',
    function: 'pmemset_part_map',
    name: 'coalescing maps right after the previous part',
    kind: 'behaviour',
    quote:
      'With contiguous part coalescing feature enabled, pmemset_part_map() function tries to map each new part at the virtual memory region that is situated right after the previous mapped part memory range.',
  },
  // ---- pages pmemset_map(3) leads to (libpmemset 1.0 manual, ref-md) ----
  {
    page: 'pmemset_new',
    function: 'pmemset_new',
    name: 'config copied into the set',
    kind: 'behaviour',
    quote: 'Configuration data, passed by the *cfg, is copied into the set structure.',
  },
  {
    page: 'pmemset_new',
    function: 'pmemset_delete',
    name: 'set pointer cleared',
    kind: 'behaviour',
    quote: 'The pmemset_delete() function frees *set returned by pmemset_new() and sets *set to NULL.',
  },
  {
    page: 'pmemset_config_new',
    function: 'pmemset_config_delete',
    name: 'config pointer cleared',
    kind: 'behaviour',
    quote: 'The pmemset_config_delete() function frees *cfg returned by pmemset_config_new() and sets *cfg to NULL.',
  },
  {
    page: 'pmemset_config_set_reservation',
    function: 'pmemset_config_set_reservation',
    name: 'every part mapped into the reservation',
    kind: 'behaviour',
    quote:
      'Every part mapping is made to the provided reservation, instead of the virtual address space of the process calling pmemset_map(3).',
  },
  {
    page: 'pmemset_config_set_required_store_granularity',
    function: 'pmemset_config_set_required_store_granularity',
    name: 'effective granularity readable after the first part',
    kind: 'behaviour',
    quote: 'To read effective granularity of the pmemset after mapping the first, use pmemset_get_store_granularity(3).',
  },
  {
    page: 'pmemset_config_set_acceptable_states',
    function: 'pmemset_config_set_acceptable_states',
    name: 'OK and OK_BUT_ALREADY_OPEN accepted by default',
    kind: 'behaviour',
    quote:
      'PMEMSET_PART_STATE_OK and PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN are the default acceptable states for each new config structure.',
  },
  {
    page: 'pmemset_config_set_acceptable_states',
    function: 'pmemset_config_set_acceptable_states',
    name: 'map fails on a state not accepted',
    kind: 'behaviour',
    quote: 'If determined part state is not among provided states then pmemset_map(3) function terminates and returns an error.',
  },
  {
    page: 'pmemset_set_contiguous_part_coalescing',
    function: 'pmemset_set_contiguous_part_coalescing',
    name: 'NONE is the default',
    kind: 'behaviour',
    quote: 'PMEMSET_COALESCING_NONE - default behavior, no new mapped part will be coalesced',
  },
  {
    page: 'pmemset_set_contiguous_part_coalescing',
    function: 'pmemset_set_contiguous_part_coalescing',
    name: 'OPPORTUNISTIC falls back to NONE',
    kind: 'behaviour',
    quote:
      "PMEMSET_COALESCING_OPPORTUNISTIC - each new mapped part will possibly be coalesced but if it's not possible it will be handled like with PMEMSET_COALESCING_NONE value set",
  },
  {
    page: 'pmemset_set_contiguous_part_coalescing',
    function: 'pmemset_set_contiguous_part_coalescing',
    name: 'FULL fails when it cannot coalesce',
    kind: 'behaviour',
    quote: "PMEMSET_COALESCING_FULL - each new mapped part will be coalesced, if it's not possible the mapping will fail",
  },
  {
    page: 'pmemset_set_contiguous_part_coalescing',
    function: 'pmemset_set_contiguous_part_coalescing',
    name: 'coalesced parts are one part map',
    kind: 'behaviour',
    quote: 'Coalesced parts appear as single struct pmemset_part_map and can be retrieved by iterating over the pmemset',
  },
  {
    page: 'pmemset_source_from_file',
    function: 'pmemset_xsource_from_file',
    name: 'CREATE_IF_NEEDED',
    kind: 'behaviour',
    quote: 'PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED - a new file will be created only if the specified file does not already exist',
  },
  {
    page: 'pmemset_source_from_file',
    function: 'pmemset_xsource_from_file',
    name: 'CREATE_ALWAYS',
    kind: 'behaviour',
    quote:
      'PMEMSET_SOURCE_FILE_CREATE_ALWAYS - always a new file will be created. If the specified file exists, the file will be overwritten',
  },
  {
    page: 'pmemset_source_from_file',
    function: 'pmemset_xsource_from_file',
    name: 'DO_NOT_GROW',
    kind: 'behaviour',
    quote: 'PMEMSET_SOURCE_FILE_DO_NOT_GROW - the specified file will not be extended during pmemset_map(3).',
  },
  {
    page: 'pmemset_source_from_file',
    function: 'pmemset_source_from_file',
    name: 'file extended by default',
    kind: 'behaviour',
    quote: 'The file is extended to designated part size and offset by default.',
  },
  {
    page: 'pmemset_source_from_file',
    function: 'pmemset_xsource_from_file',
    name: 'CREATE_MODE applied to a new file',
    kind: 'behaviour',
    quote: 'the mode argument specifies the file mode to be applied when a new file is created.',
  },
  {
    page: 'pmemset_source_from_file',
    function: 'pmemset_xsource_from_file',
    name: 'default mode',
    kind: 'behaviour',
    quote:
      'If PMEMSET_SOURCE_FILE_CREATE_MODE(mode) is not specified then the default file mode is set to RW for user and R for group and others.',
  },
  {
    page: 'pmemset_source_from_file',
    function: 'pmemset_source_delete',
    name: 'source pointer cleared',
    kind: 'behaviour',
    quote: 'The pmemset_source_delete() function frees *src and sets *src to NULL.',
  },
  {
    page: 'pmemset_source_from_temporary',
    function: 'pmemset_source_from_temporary',
    name: 'created with mode 0600',
    kind: 'behaviour',
    quote: 'The temporary file is always created with mode 0600',
  },
  {
    page: 'pmemset_source_from_temporary',
    function: 'pmemset_source_from_temporary',
    name: 'extended during pmemset_map',
    kind: 'behaviour',
    quote: 'The created file has size 0 and is extended dynamically based on required map size during pmemset_map(3).',
  },
  {
    page: 'pmemset_source_from_temporary',
    function: 'pmemset_source_delete',
    name: 'temporary file closed on delete',
    kind: 'behaviour',
    quote: 'closes the temporary file as a result the file is immediately deleted.',
  },
  {
    page: 'pmemset_source_from_pmem2',
    function: 'pmemset_source_from_pmem2',
    name: 'source built on the pmem2 source',
    kind: 'behaviour',
    quote: 'The pmemset_source is created using pmem2_source from libpmem2(7) library.',
  },
  {
    page: 'pmemset_map_config_set_offset',
    function: 'pmemset_map_config_set_offset',
    name: 'mapping starts at the offset',
    kind: 'behaviour',
    quote: 'New mapping is created using pmemset_map(3) function and the offset specified in the offset value.',
  },
  {
    page: 'pmemset_map_config_set_length',
    function: 'pmemset_map_config_set_length',
    name: 'length defaults to the file size',
    kind: 'behaviour',
    quote: 'By default, the length is equal to the size of the file that is being mapped.',
  },
  {
    page: 'pmemset_map_config_set_length',
    function: 'pmemset_map_config_set_length',
    name: 'length must be aligned',
    kind: 'unlisted',
    quote: 'must be a multiple of the alignment required for the data source which will be used for mapping alongside the config.',
  },
  {
    page: 'pmemset_first_part_map',
    function: 'pmemset_first_part_map',
    name: 'reads the first mapping',
    kind: 'behaviour',
    quote: 'The pmemset_first_part_map() function reads first mapping from the set.',
  },
  {
    page: 'pmemset_first_part_map',
    function: 'pmemset_next_part_map',
    name: 'reads the mapping after cur',
    kind: 'behaviour',
    quote: 'The pmemset_next_part_map() function reads from the set a mapping that succeeds the mapping provided in the cur variable.',
  },
  {
    page: 'pmemset_part_map_by_address',
    function: 'pmemset_part_map_by_address',
    name: 'part map contains addr',
    kind: 'behaviour',
    quote: 'The part_map has to contain address addr.',
  },
  {
    page: 'pmemset_part_map_drop',
    function: 'pmemset_part_map_drop',
    name: 'reference dropped',
    kind: 'behaviour',
    quote: 'The pmemset_part_map_drop() function drops the address reference to the part mapping.',
  },
  {
    page: 'pmemset_remove_part_map',
    function: 'pmemset_remove_part_map',
    name: 'fails when referenced more than once',
    kind: 'unlisted',
    quote: "Provided part mapping can't be referenced more than once for this function to succeed.",
  },
  {
    page: 'pmemset_remove_part_map',
    function: 'pmemset_remove_part_map',
    name: 'coalesced parts all removed',
    kind: 'behaviour',
    quote:
      'Note that a retrieved part mapping could be coalesced from multiple parts therefore removing it also removes each part making up this part mapping.',
  },
  {
    page: 'pmemset_remove_part_map',
    function: 'pmemset_remove_part_map',
    name: 'pointer cleared on success',
    kind: 'behaviour',
    quote: 'and sets the pointer passed via pmap_ptr variable to NULL.',
  },
  {
    page: 'pmemset_remove_range',
    function: 'pmemset_remove_range',
    name: 'overlapping parts removed and unmapped',
    kind: 'behaviour',
    quote:
      'removes and unmaps existing parts that were mapped to the set, overlapping with virtual memory range described by the addr and len variables.',
  },
  {
    page: 'pmemset_remove_range',
    function: 'pmemset_remove_range',
    name: 'only the intersected coalesced part removed',
    kind: 'behaviour',
    quote:
      'if the part map consists of two coalesced parts and the provided range intersects only with one of those parts, then only the intersected part will be removed.',
  },
  {
    page: 'pmemset_descriptor_part_map',
    function: 'pmemset_descriptor_part_map',
    name: 'address and size of the part map',
    kind: 'behaviour',
    quote:
      'The pmemset_descriptor_part_map() function reads address and size of the part mapping via pmap parameter pointing to the structure describing part mapping.',
  },
  {
    page: 'pmemset_persist',
    function: 'pmemset_persist',
    name: 'persisted data reaches the file',
    kind: 'behaviour',
    quote: 'It works on either persistent memory or a memory mapped file on traditional storage.',
  },
  {
    page: 'pmemset_deep_flush',
    function: 'pmemset_deep_flush',
    name: 'changes stored durably',
    kind: 'behaviour',
    quote:
      'function forces any changes in the range [ptr, ptr+size) from the set to be stored durably in the most reliable persistence domain available to software.',
  },
  {
    page: 'pmemset_memmove',
    function: 'pmemset_memmove',
    name: 'same result as memmove, memcpy and memset',
    kind: 'behaviour',
    quote: 'functions provide the same memory copying functionalities as their namesakes memmove(3), memcpy(3) and memset(3)',
  },
  {
    page: 'pmemset_memmove',
    function: 'pmemset_memmove',
    name: 'NODRAIN skips the drain',
    kind: 'behaviour',
    quote: 'PMEMSET_F_MEM_NODRAIN - modifies the behavior to skip the final pmemset_drain step.',
  },
  {
    page: 'pmemset_memmove',
    function: 'pmemset_memmove',
    name: 'NOFLUSH implies NODRAIN',
    kind: 'behaviour',
    quote: "PMEMSET_F_MEM_NOFLUSH - Don't flush anything. This implies PMEMSET_F_MEM_NODRAIN.",
  },
  {
    page: 'pmemset_get_store_granularity',
    function: 'pmemset_get_store_granularity',
    name: 'effective granularity stored in g',
    kind: 'behaviour',
    quote: 'The pmemset_get_store_granularity() function reads effective granularity of the set object and puts it in the *g;',
  },
  {
    page: 'pmemset_errormsg',
    function: 'pmemset_errormsg',
    name: 'message thread-local',
    kind: 'behaviour',
    quote: 'The error message buffer is thread-local; errors encountered in one thread do not affect its value in other threads.',
  },
  {
    page: 'pmemset_errormsg',
    function: 'pmemset_errormsg',
    name: 'message never cleared',
    kind: 'behaviour',
    quote: 'The buffer is never cleared by any library function;',
  },
  {
    page: 'pmemset_source_set_sds',
    function: 'pmemset_source_set_sds',
    name: 'part state returned by pmemset_map',
    kind: 'behaviour',
    quote:
      'When creating a new mapping using pmemset_map(3) function, current part state will be returned via provided state_ptr variable.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'FLUSH before flush or persist completes',
    kind: 'behaviour',
    quote:
      'PMEMSET_EVENT_FLUSH is fired before pmemset_flush(3) or pmemset_persist(3) completes its work. The flush field in data union contains addr and len passed to those functions.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'DRAIN after drain or persist',
    kind: 'behaviour',
    quote: 'PMEMSET_EVENT_DRAIN is fired after pmemset_drain(3) or pmemset_persist(3) completes its work.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'persist: DRAIN after FLUSH',
    kind: 'behaviour',
    quote: 'In case of pmemset_persist(3) this event is fired after PMEMSET_EVENT_FLUSH.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'COPY, MOVE, SET with their arguments',
    kind: 'behaviour',
    quote: 'Similarly, copy, move, or set fields in the data union contain all arguments passed to these functions.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'one DRAIN at the end of memcpy unless NODRAIN',
    kind: 'behaviour',
    quote:
      'If PMEMSET_F_MEM_NODRAIN flag is not passed to these functions, a single PMEMSET_EVENT_DRAIN will be fired on the end of operation.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'no FLUSH or DRAIN from inside memcpy',
    kind: 'behaviour',
    quote: 'During these functions "flush" and "drain" operations are performed, but they will not trigger any additional events.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'return value ignored without error handling',
    kind: 'behaviour',
    quote: "This event doesn't support error handling, which means that the value returned by the callback function is ignored.",
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'PART_ADD for each new part',
    kind: 'behaviour',
    quote: 'PMEMSET_EVENT_PART_ADD is fired for each new part added to the pmemset, after pmemset_part_map(3) completes its work.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'PART_REMOVE for each part mapping removed',
    kind: 'behaviour',
    quote:
      'PMEMSET_EVENT_PART_REMOVE is fired for each part mapping removed from the pmemset, before pmemset_remove_part_map(3) function completes its work.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'REMOVE_RANGE for each range removed',
    kind: 'behaviour',
    quote:
      'PMEMSET_EVENT_REMOVE_RANGE is fired for each range removed from the pmemset, before pmemset_remove_range(3) function completes its work.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'REMOVE_RANGE triggers PART_REMOVE',
    kind: 'behaviour',
    quote:
      'This event can trigger PMEMSET_EVENT_PART_REMOVE for each whole part mapping that is removed from the set as a result of the removed range.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'SDS_UPDATE after each SDS change',
    kind: 'behaviour',
    quote: 'PMEMSET_EVENT_SDS_UPDATE is fired after each change made to any shutdown data state structure provided by the user.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'BADBLOCK for each bad block',
    kind: 'behaviour',
    quote: 'PMEMSET_EVENT_BADBLOCK is fired for each bad block detected in the source src.',
  },
  {
    page: 'pmemset_config_set_event_callback',
    function: 'pmemset_config_set_event_callback',
    name: 'BADBLOCKS_CLEARED when all are cleared',
    kind: 'behaviour',
    quote: 'PMEMSET_EVENT_BADBLOCKS_CLEARED is fired when all bad blocks of given source src are cleared via event callback.',
  },
  // the installed libpmem2 pages the seed pages lead to
  {
    page: 'pmem2_vm_reservation_extend',
    function: 'pmem2_vm_reservation_extend',
    name: 'extension starts at the end of the old reservation',
    kind: 'behaviour',
    quote: 'it provides placeholder virtual memory range that starts from an address at the end of the old reservation.',
  },
  {
    page: 'pmem2_vm_reservation_extend',
    function: 'pmem2_vm_reservation_extend',
    name: 'mappings preserved across extend',
    kind: 'behaviour',
    quote: 'Mappings made to the reservation before extending are preserved.',
  },
  {
    page: 'pmem2_vm_reservation_extend',
    function: 'pmem2_vm_reservation_extend',
    name: 'reservation unchanged when extend fails',
    kind: 'behaviour',
    quote: 'If either of those functions fails, reservation will be left as it was and appropriate error value will be returned.',
  },
  {
    page: 'pmem2_vm_reservation_extend',
    function: 'pmem2_vm_reservation_extend',
    name: 'size must be aligned',
    kind: 'unlisted',
    quote: 'For the function to succeed the size has to be aligned to an appropriate allocation granularity.',
  },
  {
    page: 'pmem2_vm_reservation_extend',
    function: 'pmem2_vm_reservation_shrink',
    name: 'shrink from the front moves the start',
    kind: 'behaviour',
    quote: 'it releases placeholder virtual memory range that was designated by offset and size variables.',
  },
  {
    page: 'pmem2_vm_reservation_extend',
    function: 'pmem2_vm_reservation_shrink',
    name: 'mappings preserved across shrink',
    kind: 'behaviour',
    quote: 'Mappings made to the reservation before shrinking are preserved.',
  },
  {
    page: 'pmem2_vm_reservation_extend',
    function: 'pmem2_vm_reservation_shrink',
    name: 'reservation unchanged when shrink fails',
    kind: 'behaviour',
    quote: 'If either of those functions fails, reservation will be left as it was and appropriate error value will be returned.',
  },
  {
    page: 'pmem2_vm_reservation_map_find',
    function: 'pmem2_vm_reservation_map_find',
    name: 'earliest intersecting mapping',
    kind: 'behaviour',
    quote:
      'searches for the earliest mapping, stored in the virtual memory reservation, intersecting with the interval defined by reserv_offset and len variables and returns it via map_ptr variable.',
  },
  {
    page: 'pmem2_vm_reservation_map_find',
    function: 'pmem2_vm_reservation_map_find',
    name: 'map_ptr NULL when nothing found',
    kind: 'behaviour',
    quote: 'otherwise it passes NULL value when no mapping was found.',
  },
  {
    page: 'pmem2_vm_reservation_map_find',
    function: 'pmem2_vm_reservation_map_find_first',
    name: 'first and last in address order',
    kind: 'behaviour',
    quote:
      'First mapping represents the earliest mapping in the virtual address space contained in a reservation, whereas the last mapping represents the last one.',
  },
  {
    page: 'pmem2_vm_reservation_map_find',
    function: 'pmem2_vm_reservation_map_find_next',
    name: 'next and prev walk in address order',
    kind: 'behaviour',
    quote: 'Mappings are inserted to the virtual memory reservation in the order of their virtual address space location.',
  },
  {
    page: 'pmem2_map_delete',
    function: 'pmem2_map_delete',
    name: 'map_ptr set to NULL',
    kind: 'behaviour',
    quote: 'it releases the struct pmem2_map object describing it and writes a NULL value to map_ptr.',
  },
  {
    page: 'pmem2_map_delete',
    function: 'pmem2_map_delete',
    name: 'mapping unmapped',
    kind: 'behaviour',
    quote: 'function deletes the mapping described by the struct pmem2_map object.',
  },
  {
    page: 'pmem2_config_set_offset',
    function: 'pmem2_config_set_offset',
    name: 'default offset 0',
    kind: 'behaviour',
    quote: 'By default, the offset is 0.',
  },
  {
    page: 'pmem2_config_set_length',
    function: 'pmem2_config_set_length',
    name: 'default length is the file size',
    kind: 'behaviour',
    quote: 'By default, the length is equal to the size of the file that is being mapped.',
  },
  {
    page: 'pmem2_config_set_protection',
    function: 'pmem2_config_set_protection',
    name: 'default protection read and write',
    kind: 'behaviour',
    quote: 'The default value in pmem2_config structure is PMEM2_PROT_READ | PMEM2_PROT_WRITE.',
  },
  {
    page: 'pmem2_config_set_sharing',
    function: 'pmem2_config_set_sharing',
    name: 'PMEM2_SHARED is the default',
    kind: 'behaviour',
    quote: 'Writes are made directly to the underlying memory, making them visible to other mappings of the same memory region. (default)',
  },
  {
    page: 'pmem2_config_set_sharing',
    function: 'pmem2_config_set_sharing',
    name: 'PMEM2_PRIVATE writes stay private',
    kind: 'behaviour',
    quote: 'Writes do not affect the underlying memory and are not visible to other mappings of the same memory region.',
  },
  {
    page: 'pmem2_config_set_required_store_granularity',
    function: 'pmem2_config_set_required_store_granularity',
    name: 'granularity is a maximum',
    kind: 'behaviour',
    quote: 'sets a maximum permitted granularity g requested by user in the pmem2_config structure.',
  },
  {
    page: 'pmem2_config_set_vm_reservation',
    function: 'pmem2_config_set_vm_reservation',
    name: 'mapping placed at rsv_offset',
    kind: 'behaviour',
    quote: 'rsv_offset marks the offset in the reservation for the mapping.',
  },
  {
    page: 'pmem2_source_from_fd',
    function: 'pmem2_source_delete',
    name: 'src set to NULL',
    kind: 'behaviour',
    quote: 'and sets *src to NULL.',
  },
  {
    page: 'pmem2_source_size',
    function: 'pmem2_source_size',
    name: 'size of the file',
    kind: 'behaviour',
    quote: 'retrieves the size of the file in bytes pointed by file descriptor or handle stored in the source and puts it in *size.',
  },
  {
    page: 'pmem2_source_alignment',
    function: 'pmem2_source_alignment',
    name: 'alignment lets pmem2_map_new succeed',
    kind: 'behaviour',
    quote: 'retrieves the alignment of offset and length needed for pmem2_map_new(3) to succeed.',
  },
  // error reporting, and the functions a map hands out
  {
    page: 'pmem2_errormsg',
    function: 'pmem2_errormsg',
    name: 'message describes the failure',
    kind: 'behaviour',
    quote: 'the application may retrieve an error message describing the reason of the failure from pmem2_errormsg().',
  },
  {
    page: 'pmem2_errormsg',
    function: 'pmem2_errormsg',
    name: 'message thread-local',
    kind: 'behaviour',
    quote: 'The error message buffer is thread-local; errors encountered in one thread do not affect its value in other threads.',
  },
  {
    page: 'pmem2_errormsg',
    function: 'pmem2_errormsg',
    name: 'message never cleared',
    kind: 'behaviour',
    quote: 'The buffer is never cleared by any library function;',
  },
  {
    page: 'pmem2_perror',
    function: 'pmem2_perror',
    name: 'last error described on stderr',
    kind: 'behaviour',
    quote:
      'The pmem2_perror() function produces a message on standard error stream describing the last error encountered during library call.',
  },
  {
    page: 'pmem2_perror',
    function: 'pmem2_perror',
    name: 'format, colon and blank, message, new-line',
    kind: 'behaviour',
    quote:
      'First, the argument string format is printed - similarly to the printf(3), followed by a colon and a blank. Then an error message retrieved from the pmem2_errormsg(), and a new-line.',
  },
  {
    page: 'pmem2_get_persist_fn',
    function: 'pmem2_get_persist_fn',
    name: 'data stored durably on return',
    kind: 'behaviour',
    quote: 'Persisting data using pmem2_persist_fn guarantees that the data is stored durably by the time it returns.',
  },
  {
    page: 'pmem2_get_persist_fn',
    function: 'pmem2_get_persist_fn',
    name: 'no alignment restrictions',
    kind: 'behaviour',
    quote: 'There are no alignment restrictions on the range described by ptr and size, but pmem2_persist_fn may expand the range',
  },
  {
    page: 'pmem2_get_persist_fn',
    function: 'pmem2_get_persist_fn',
    name: 'range spanning adjacent mappings',
    kind: 'behaviour',
    quote:
      'If two (or more) mappings share the same pmem2_persist_fn and they are adjacent to each other, it is safe to call this function for a range spanning those mappings.',
  },
  {
    page: 'pmem2_get_flush_fn',
    function: 'pmem2_get_flush_fn',
    name: 'flush then drain stores durably',
    kind: 'behaviour',
    quote: 'or follow pmem2_flush_fn by a drain operation (see pmem2_get_drain_fn(3)).',
  },
  {
    page: 'pmem2_get_flush_fn',
    function: 'pmem2_get_flush_fn',
    name: 'no alignment restrictions',
    kind: 'behaviour',
    quote: 'There are no alignment restrictions on the range described by ptr and size, but pmem2_flush_fn may expand the range',
  },
  {
    page: 'pmem2_get_flush_fn',
    function: 'pmem2_get_flush_fn',
    name: 'range spanning adjacent mappings',
    kind: 'behaviour',
    quote:
      'If two (or more) mappings share the same pmem2_flush_fn and they are adjacent to each other, it is safe to call this function for a range spanning those mappings.',
  },
  {
    page: 'pmem2_get_drain_fn',
    function: 'pmem2_get_drain_fn',
    name: 'one drain for the flushes of mappings sharing it',
    kind: 'behaviour',
    quote:
      'If two (or more) mappings share the same drain function, it is safe to call this function once for all flushes belonging to those mappings.',
  },
  {
    page: 'pmem2_get_memmove_fn',
    function: 'pmem2_get_memmove_fn',
    name: 'same result as memmove',
    kind: 'behaviour',
    quote: 'functions provide the same memory copying functionalities as their namesakes memmove(3), memcpy(3) and memset(3)',
  },
  {
    page: 'pmem2_get_memmove_fn',
    function: 'pmem2_get_memcpy_fn',
    name: 'same result as memcpy',
    kind: 'behaviour',
    quote: 'functions provide the same memory copying functionalities as their namesakes memmove(3), memcpy(3) and memset(3)',
  },
  {
    page: 'pmem2_get_memmove_fn',
    function: 'pmem2_get_memset_fn',
    name: 'same result as memset',
    kind: 'behaviour',
    quote: 'functions provide the same memory copying functionalities as their namesakes memmove(3), memcpy(3) and memset(3)',
  },
  {
    page: 'pmem2_get_memmove_fn',
    function: 'pmem2_get_memmove_fn',
    name: 'result flushed unless NOFLUSH',
    kind: 'behaviour',
    quote: 'and ensure that the result has been flushed to persistence before returning (unless PMEM2_F_MEM_NOFLUSH flag was used).',
  },
  {
    page: 'pmem2_get_memmove_fn',
    function: 'pmem2_get_memmove_fn',
    name: 'NODRAIN skips the final drain',
    kind: 'behaviour',
    quote: 'PMEM2_F_MEM_NODRAIN - modifies the behavior to skip the final pmem2_drain_fn step.',
  },
  {
    page: 'pmem2_get_memmove_fn',
    function: 'pmem2_get_memmove_fn',
    name: 'NOFLUSH flushes nothing',
    kind: 'behaviour',
    quote: "PMEM2_F_MEM_NOFLUSH - Don't flush anything. This implies PMEM2_F_MEM_NODRAIN.",
  },
];

/** whitespace-folded plain text, for finding a quote whatever the markup */
export function foldForQuote(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
