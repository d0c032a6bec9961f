/* SPDX-License-Identifier: BSD-3-Clause */
/* set.h -- internal view of struct pmemset */

#ifndef PMEMSET_SET_H
#define PMEMSET_SET_H 1

#include <stdbool.h>
#include "libpmemset.h"
#include "config.h"

struct pmemset_rsv;
struct pmemset_piece;
struct pmemset_part_map;

struct pmemset {
	struct pmemset_config cfg;
	enum pmemset_coalescing coalescing;
	struct pmemset_rsv *user_rsv; /* wraps cfg.rsv when one was set */

	struct pmemset_part_map *pmaps; /* address order */

	/* the part most recently mapped: coalescing maps right after it */
	struct pmemset_piece *last_piece;

	/* effective granularity, known once the first part is mapped */
	bool gran_known;
	enum pmem2_granularity gran;
};

void pmemset_set_forget_granularity_if_empty(struct pmemset *set);

#endif
