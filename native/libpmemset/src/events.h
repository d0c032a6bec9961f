/* SPDX-License-Identifier: BSD-3-Clause */
/* events.h -- delivery of events to the user's callback */

#ifndef PMEMSET_EVENTS_H
#define PMEMSET_EVENTS_H 1

#include "libpmemset.h"

int pmemset_event_fire(struct pmemset *set, struct pmemset_event_context *ctx);
void pmemset_event_range(struct pmemset *set, enum pmemset_event type,
		const void *addr, size_t len);
void pmemset_event_simple(struct pmemset *set, enum pmemset_event type);

#endif
