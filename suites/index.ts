import type { Suite } from './framework.js';
import { suite as pmem2MapNew } from './pmem2_map_new.js';
import { suite as pmem2VmReservation } from './pmem2_vm_reservation.js';
import { suite as pmemsetMap } from './pmemset_map.js';
import { suite as pmemsetPartMap } from './pmemset_part_map.js';
// the libpmemset pages pmemset_map(3) leads to
import { suite as pmemsetNewPage } from './pmemset_new.js';
import { suite as pmemsetConfigNewPage } from './pmemset_config_new.js';
import { suite as pmemsetConfigSetReservationPage } from './pmemset_config_set_reservation.js';
import { suite as pmemsetConfigSetRequiredStoreGranularityPage } from './pmemset_config_set_required_store_granularity.js';
import { suite as pmemsetConfigSetAcceptableStatesPage } from './pmemset_config_set_acceptable_states.js';
import { suite as pmemsetSetContiguousPartCoalescingPage } from './pmemset_set_contiguous_part_coalescing.js';
import { suite as pmemsetSourceFromFilePage } from './pmemset_source_from_file.js';
import { suite as pmemsetSourceFromTemporaryPage } from './pmemset_source_from_temporary.js';
import { suite as pmemsetSourceFromPmem2Page } from './pmemset_source_from_pmem2.js';
import { suite as pmemsetMapConfigNewPage } from './pmemset_map_config_new.js';
import { suite as pmemsetMapConfigSetOffsetPage } from './pmemset_map_config_set_offset.js';
import { suite as pmemsetMapConfigSetLengthPage } from './pmemset_map_config_set_length.js';
import { suite as pmemsetFirstPartMapPage } from './pmemset_first_part_map.js';
import { suite as pmemsetPartMapByAddressPage } from './pmemset_part_map_by_address.js';
import { suite as pmemsetPartMapDropPage } from './pmemset_part_map_drop.js';
import { suite as pmemsetRemovePartMapPage } from './pmemset_remove_part_map.js';
import { suite as pmemsetRemoveRangePage } from './pmemset_remove_range.js';
import { suite as pmemsetDescriptorPartMapPage } from './pmemset_descriptor_part_map.js';
import { suite as pmemsetPersistPage } from './pmemset_persist.js';
import { suite as pmemsetFlushPage } from './pmemset_flush.js';
import { suite as pmemsetDrainPage } from './pmemset_drain.js';
import { suite as pmemsetDeepFlushPage } from './pmemset_deep_flush.js';
import { suite as pmemsetMemmovePage } from './pmemset_memmove.js';
import { suite as pmemsetGetStoreGranularityPage } from './pmemset_get_store_granularity.js';
import { suite as pmemsetErrormsgPage } from './pmemset_errormsg.js';
import { suite as pmemsetSourceSetSdsPage } from './pmemset_source_set_sds.js';
import { suite as pmemsetConfigSetEventCallbackPage } from './pmemset_config_set_event_callback.js';

// the installed libpmem2 pages the seed pages lead to
import { suite as pmem2VmReservationExtendPage } from './pmem2_vm_reservation_extend.js';
import { suite as pmem2VmReservationMapFindPage } from './pmem2_vm_reservation_map_find.js';
import { suite as pmem2MapDeletePage } from './pmem2_map_delete.js';
import { suite as pmem2ConfigSetOffsetPage } from './pmem2_config_set_offset.js';
import { suite as pmem2ConfigSetLengthPage } from './pmem2_config_set_length.js';
import { suite as pmem2ConfigSetProtectionPage } from './pmem2_config_set_protection.js';
import { suite as pmem2ConfigSetSharingPage } from './pmem2_config_set_sharing.js';
import { suite as pmem2ConfigSetRequiredStoreGranularityPage } from './pmem2_config_set_required_store_granularity.js';
import { suite as pmem2ConfigSetVmReservationPage } from './pmem2_config_set_vm_reservation.js';
import { suite as pmem2SourceFromFdPage } from './pmem2_source_from_fd.js';
import { suite as pmem2SourceSizePage } from './pmem2_source_size.js';
import { suite as pmem2SourceAlignmentPage } from './pmem2_source_alignment.js';
import { suite as pmem2DeepFlushPage } from './pmem2_deep_flush.js';
// error reporting, what a map reads back, and the functions it hands out
import { suite as pmem2ErrormsgPage } from './pmem2_errormsg.js';
import { suite as pmem2PerrorPage } from './pmem2_perror.js';
import { suite as pmem2MapGetAddressPage } from './pmem2_map_get_address.js';
import { suite as pmem2MapGetSizePage } from './pmem2_map_get_size.js';
import { suite as pmem2MapGetStoreGranularityPage } from './pmem2_map_get_store_granularity.js';
import { suite as pmem2GetPersistFnPage } from './pmem2_get_persist_fn.js';
import { suite as pmem2GetFlushFnPage } from './pmem2_get_flush_fn.js';
import { suite as pmem2GetDrainFnPage } from './pmem2_get_drain_fn.js';
import { suite as pmem2GetMemmoveFnPage } from './pmem2_get_memmove_fn.js';
// the pages PMDK's own libpmem2 tests exercise beyond the above
import { suite as pmem2MapFromExistingPage } from './pmem2_map_from_existing.js';
import { suite as pmem2ConfigNewPage } from './pmem2_config_new.js';
import { suite as pmem2SourceFromAnonPage } from './pmem2_source_from_anon.js';
import { suite as pmem2SourceGetFdPage } from './pmem2_source_get_fd.js';
import { suite as pmem2SourceDeviceIdPage } from './pmem2_source_device_id.js';
import { suite as pmem2SourceDeviceUscPage } from './pmem2_source_device_usc.js';
import { suite as pmem2SourceNumaNodePage } from './pmem2_source_numa_node.js';
import { suite as pmem2SourcePreadMcsafePage } from './pmem2_source_pread_mcsafe.js';
import { suite as pmem2BadblockContextNewPage } from './pmem2_badblock_context_new.js';

/** every suite, by the name --suite takes */
export const SUITES: Suite[] = [pmem2MapNew, pmem2VmReservation, pmemsetMap, pmemsetPartMap];
// the libpmemset pages pmemset_map(3) leads to
SUITES.push(
  pmemsetNewPage,
  pmemsetConfigNewPage,
  pmemsetConfigSetReservationPage,
  pmemsetConfigSetRequiredStoreGranularityPage,
  pmemsetConfigSetAcceptableStatesPage,
  pmemsetSetContiguousPartCoalescingPage,
  pmemsetSourceFromFilePage,
  pmemsetSourceFromTemporaryPage,
  pmemsetSourceFromPmem2Page,
  pmemsetMapConfigNewPage,
  pmemsetMapConfigSetOffsetPage,
  pmemsetMapConfigSetLengthPage,
  pmemsetFirstPartMapPage,
  pmemsetPartMapByAddressPage,
  pmemsetPartMapDropPage,
  pmemsetRemovePartMapPage,
  pmemsetRemoveRangePage,
  pmemsetDescriptorPartMapPage,
  pmemsetPersistPage,
  pmemsetFlushPage,
  pmemsetDrainPage,
  pmemsetDeepFlushPage,
  pmemsetMemmovePage,
  pmemsetGetStoreGranularityPage,
  pmemsetErrormsgPage,
  pmemsetSourceSetSdsPage,
  pmemsetConfigSetEventCallbackPage,
);
// the installed libpmem2 pages the seed pages lead to
SUITES.push(
  pmem2VmReservationExtendPage,
  pmem2VmReservationMapFindPage,
  pmem2MapDeletePage,
  pmem2ConfigSetOffsetPage,
  pmem2ConfigSetLengthPage,
  pmem2ConfigSetProtectionPage,
  pmem2ConfigSetSharingPage,
  pmem2ConfigSetRequiredStoreGranularityPage,
  pmem2ConfigSetVmReservationPage,
  pmem2SourceFromFdPage,
  pmem2SourceSizePage,
  pmem2SourceAlignmentPage,
  pmem2DeepFlushPage,
);
// error reporting, what a map reads back, and the functions it hands out
SUITES.push(
  pmem2ErrormsgPage,
  pmem2PerrorPage,
  pmem2MapGetAddressPage,
  pmem2MapGetSizePage,
  pmem2MapGetStoreGranularityPage,
  pmem2GetPersistFnPage,
  pmem2GetFlushFnPage,
  pmem2GetDrainFnPage,
  pmem2GetMemmoveFnPage,
);
// the pages PMDK's own libpmem2 tests exercise beyond the above
SUITES.push(
  pmem2MapFromExistingPage,
  pmem2ConfigNewPage,
  pmem2SourceFromAnonPage,
  pmem2SourceGetFdPage,
  pmem2SourceDeviceIdPage,
  pmem2SourceDeviceUscPage,
  pmem2SourceNumaNodePage,
  pmem2SourcePreadMcsafePage,
  pmem2BadblockContextNewPage,
);
