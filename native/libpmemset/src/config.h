/* SPDX-License-Identifier: BSD-3-Clause */
/* config.h -- internal view of struct pmemset_config */

#ifndef PMEMSET_CONFIG_H
#define PMEMSET_CONFIG_H 1

#include <stdbool.h>
#include "libpmemset.h"

#define PMEMSET_PART_STATES_VALID \
	(PMEMSET_PART_STATE_INDETERMINATE | PMEMSET_PART_STATE_OK | \
			PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN | \
			PMEMSET_PART_STATE_OK_BUT_INTERRUPTED | \
			PMEMSET_PART_STATE_CORRUPTED)

#define PMEMSET_PART_STATES_DEFAULT \
	(PMEMSET_PART_STATE_OK | PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN)

struct pmemset_config {
	struct pmem2_vm_reservation *rsv;
	pmemset_event_callback *callback;
	void *callback_arg;
	uint64_t acceptable_states;
	enum pmem2_granularity granularity;
	bool granularity_set;
};

#endif
