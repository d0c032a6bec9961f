// SPDX-License-Identifier: BSD-3-Clause
/*
 * memops.c -- the data path: persist, flush, drain, deep flush and the
 * memcpy/memmove/memset family, delegated to the libpmem2 functions of
 * the part the address belongs to.
 *
 * All parts of a set share one effective granularity, and libpmem2's
 * functions depend only on it, so the functions of the part holding the
 * destination are valid for the whole (contiguous) range.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "libpmemset.h"
#include "events.h"
#include "part_map.h"
#include "pmemset_utils.h"
#include "set.h"

typedef void (*piece_range_fn)(struct pmemset_piece *p, const char *addr,
		size_t len, void *arg);

/*
 * for_each_piece_in -- calls fn on the intersection of every piece with
 * [ptr, ptr + size); returns how many pieces were visited.
 */
static unsigned
for_each_piece_in(struct pmemset *set, const void *ptr, size_t size,
		piece_range_fn fn, void *arg)
{
	const char *start = ptr;
	const char *end = (uintptr_t)start + size < (uintptr_t)start ?
			(const char *)UINTPTR_MAX :
			start + size;
	unsigned n = 0;

	for (struct pmemset_part_map *m = set->pmaps; m; m = m->next) {
		if (m->addr >= end)
			break;
		if (m->addr + m->size <= start)
			continue;
		for (struct pmemset_piece *p = m->pieces; p; p = p->next) {
			const char *pend = p->addr + p->len;
			if (p->addr >= end || pend <= start)
				continue;
			const char *s = start > p->addr ? start : p->addr;
			const char *e = end < pend ? end : pend;
			fn(p, s, (size_t)(e - s), arg);
			n++;
		}
	}
	return n;
}

static void
flush_piece(struct pmemset_piece *p, const char *addr, size_t len, void *arg)
{
	(void)arg;
	pmem2_get_flush_fn(p->map)(addr, len);
}

static void
drain_set(struct pmemset *set)
{
	if (set->pmaps)
		pmem2_get_drain_fn(set->pmaps->pieces->map)();
}

/* pmemset_flush -- flushes the set's parts in the range from the caches */
PMEMSET_EXPORT int
pmemset_flush(struct pmemset *set, const void *ptr, size_t size)
{
	PMEMSET_ERR_CLR();

	if (!set) {
		ERR("NULL set");
		return -EINVAL;
	}
	pmemset_event_range(set, PMEMSET_EVENT_FLUSH, ptr, size);
	(void)for_each_piece_in(set, ptr, size, flush_piece, NULL);
	return 0;
}

/* pmemset_drain -- waits for the flushes issued so far */
PMEMSET_EXPORT int
pmemset_drain(struct pmemset *set)
{
	PMEMSET_ERR_CLR();

	if (!set) {
		ERR("NULL set");
		return -EINVAL;
	}
	drain_set(set);
	pmemset_event_simple(set, PMEMSET_EVENT_DRAIN);
	return 0;
}

/*
 * pmemset_persist -- flush then drain. Fires PERSIST (the operation as a
 * whole), then FLUSH before flushing and DRAIN after draining, as the
 * event page describes for persist.
 */
PMEMSET_EXPORT int
pmemset_persist(struct pmemset *set, const void *ptr, size_t size)
{
	PMEMSET_ERR_CLR();

	if (!set) {
		ERR("NULL set");
		return -EINVAL;
	}
	pmemset_event_range(set, PMEMSET_EVENT_PERSIST, ptr, size);
	pmemset_event_range(set, PMEMSET_EVENT_FLUSH, ptr, size);
	(void)for_each_piece_in(set, ptr, size, flush_piece, NULL);
	drain_set(set);
	pmemset_event_simple(set, PMEMSET_EVENT_DRAIN);
	return 0;
}

static void
deep_flush_piece(struct pmemset_piece *p, const char *addr, size_t len,
		void *arg)
{
	int *ret = arg;
	int r = pmem2_deep_flush(p->map, (void *)addr, len);
	if (r && *ret == 0) {
		ERR("pmem2_deep_flush: %s", pmem2_errormsg());
		*ret = PMEMSET_E_DEEP_FLUSH_FAIL;
	}
}

/* pmemset_deep_flush -- flushes the range to the persistence domain */
PMEMSET_EXPORT int
pmemset_deep_flush(struct pmemset *set, const void *ptr, size_t size)
{
	PMEMSET_ERR_CLR();

	if (!set) {
		ERR("NULL set");
		return -EINVAL;
	}
	if (size == 0)
		return 0;

	int ret = 0;
	if (for_each_piece_in(set, ptr, size, deep_flush_piece, &ret) == 0) {
		ERR("range %p+%zu overlaps no part of the set", ptr, size);
		return PMEMSET_E_CANNOT_FIND_PART_MAP;
	}
	return ret;
}

/* drain_event_due -- memory operations end with a DRAIN unless told not */
static void
drain_event_due(struct pmemset *set, unsigned flags)
{
	if (!(flags & (PMEMSET_F_MEM_NODRAIN | PMEMSET_F_MEM_NOFLUSH)))
		pmemset_event_simple(set, PMEMSET_EVENT_DRAIN);
}

static struct pmem2_map *
map_of(struct pmemset *set, const void *dest)
{
	struct pmemset_piece *p = pmemset_piece_by_address(set, dest);
	return p ? p->map : NULL;
}

/* pmemset_memmove -- memmove into the set, flushed as flags say */
PMEMSET_EXPORT void *
pmemset_memmove(struct pmemset *set, void *pmemdest, const void *src,
		size_t len, unsigned flags)
{
	PMEMSET_ERR_CLR();

	/* unknown flag bits are undefined behaviour; do not pass them on */
	flags &= PMEMSET_F_MEM_VALID_FLAGS;
	if (!set)
		return memmove(pmemdest, src, len);

	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = PMEMSET_EVENT_MOVE;
	ctx.data.move.src = (void *)src;
	ctx.data.move.dest = pmemdest;
	ctx.data.move.len = len;
	ctx.data.move.flags = flags;
	(void)pmemset_event_fire(set, &ctx);

	struct pmem2_map *map = map_of(set, pmemdest);
	if (map)
		pmem2_get_memmove_fn(map)(pmemdest, src, len, flags);
	else
		memmove(pmemdest, src, len);

	drain_event_due(set, flags);
	return pmemdest;
}

/* pmemset_memcpy -- memcpy into the set, flushed as flags say */
PMEMSET_EXPORT void *
pmemset_memcpy(struct pmemset *set, void *pmemdest, const void *src, size_t len,
		unsigned flags)
{
	PMEMSET_ERR_CLR();

	flags &= PMEMSET_F_MEM_VALID_FLAGS;
	if (!set)
		return memcpy(pmemdest, src, len);

	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = PMEMSET_EVENT_COPY;
	ctx.data.copy.src = (void *)src;
	ctx.data.copy.dest = pmemdest;
	ctx.data.copy.len = len;
	ctx.data.copy.flags = flags;
	(void)pmemset_event_fire(set, &ctx);

	struct pmem2_map *map = map_of(set, pmemdest);
	if (map)
		pmem2_get_memcpy_fn(map)(pmemdest, src, len, flags);
	else
		memcpy(pmemdest, src, len);

	drain_event_due(set, flags);
	return pmemdest;
}

/* pmemset_memset -- memset of the set's memory, flushed as flags say */
PMEMSET_EXPORT void *
pmemset_memset(struct pmemset *set, void *pmemdest, int c, size_t len,
		unsigned flags)
{
	PMEMSET_ERR_CLR();

	flags &= PMEMSET_F_MEM_VALID_FLAGS;
	if (!set)
		return memset(pmemdest, c, len);

	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = PMEMSET_EVENT_SET;
	ctx.data.set.dest = pmemdest;
	ctx.data.set.value = c;
	ctx.data.set.len = len;
	ctx.data.set.flags = flags;
	(void)pmemset_event_fire(set, &ctx);

	struct pmem2_map *map = map_of(set, pmemdest);
	if (map)
		pmem2_get_memset_fn(map)(pmemdest, c, len, flags);
	else
		memset(pmemdest, c, len);

	drain_event_due(set, flags);
	return pmemdest;
}
