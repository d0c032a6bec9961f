/* SPDX-License-Identifier: BSD-3-Clause */
/* map.h -- the mapping core behind pmemset_map() and pmemset_part_map() */

#ifndef PMEMSET_MAP_H
#define PMEMSET_MAP_H 1

#include "libpmemset.h"

int pmemset_map_core(struct pmemset *set, struct pmemset_source *src,
		size_t offset, size_t length,
		struct pmemset_part_descriptor *desc);

int pmemset_pmem2_map_at(struct pmemset *set, struct pmem2_source *src,
		size_t src_offset, size_t len, struct pmem2_vm_reservation *rsv,
		size_t rsv_offset, struct pmem2_map **map);

#endif
