// SPDX-License-Identifier: BSD-3-Clause
/* events.c -- delivery of events to the callback set in the config */

#include <string.h>

#include "libpmemset.h"
#include "events.h"
#include "set.h"

/*
 * pmemset_event_fire -- calls the user's callback, if any, and returns what
 * it returned; callers decide whether the event supports error handling.
 */
int
pmemset_event_fire(struct pmemset *set, struct pmemset_event_context *ctx)
{
	if (!set || !set->cfg.callback)
		return 0;
	return set->cfg.callback(set, ctx, set->cfg.callback_arg);
}

/* pmemset_event_range -- fires an event whose data is (addr, len) */
void
pmemset_event_range(struct pmemset *set, enum pmemset_event type,
		const void *addr, size_t len)
{
	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = type;

	switch (type) {
	case PMEMSET_EVENT_FLUSH:
		ctx.data.flush.addr = (void *)addr;
		ctx.data.flush.len = len;
		break;
	case PMEMSET_EVENT_PERSIST:
		ctx.data.persist.addr = (void *)addr;
		ctx.data.persist.len = len;
		break;
	case PMEMSET_EVENT_REMOVE_RANGE:
		ctx.data.remove_range.addr = (void *)addr;
		ctx.data.remove_range.len = len;
		break;
	case PMEMSET_EVENT_PART_REMOVE:
		ctx.data.part_remove.addr = (void *)addr;
		ctx.data.part_remove.len = len;
		break;
	default:
		break;
	}

	(void)pmemset_event_fire(set, &ctx);
}

void
pmemset_event_simple(struct pmemset *set, enum pmemset_event type)
{
	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = type;
	(void)pmemset_event_fire(set, &ctx);
}
