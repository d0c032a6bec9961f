// SPDX-License-Identifier: BSD-3-Clause
/*
 * remove_range.c -- pmemset_remove_range(): removal of the parts a range of
 * addresses overlaps.
 *
 * Removal of a range works part by part (pmemset_remove_range.3): every
 * part the range overlaps, even by one byte, is removed and unmapped whole;
 * parts are never split. Parts of the same part map that the range does not
 * touch stay mapped at their addresses, and the part map is split into one
 * part map per remaining contiguous run.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "libpmemset.h"
#include "events.h"
#include "part_map.h"
#include "pmemset_utils.h"
#include "set.h"

/*
 * part_map_resplit -- after whole parts were removed from it, a part map
 * may have gaps between its remaining pieces: every contiguous run becomes
 * a part map of its own. A part map left with no piece is freed.
 */
static int
part_map_resplit(struct pmemset *set, struct pmemset_part_map *pmap)
{
	if (!pmap->pieces) {
		pmemset_part_map_unlink(set, pmap);
		free(pmap);
		return 0;
	}

	struct pmemset_piece *p = pmap->pieces;
	p->pmap = pmap;
	pmap->addr = p->addr;
	pmap->size = p->len;
	while (p->next && p->next->addr == p->addr + p->len) {
		p = p->next;
		p->pmap = pmap;
		pmap->size += p->len;
	}

	struct pmemset_piece *rest = p->next;
	p->next = NULL;
	if (!rest)
		return 0;

	struct pmemset_part_map *n = pmemset_zalloc(sizeof(*n));
	if (!n) {
		/* keep the pieces reachable rather than lose them */
		p->next = rest;
		for (; rest; rest = rest->next)
			pmap->size = (size_t)(rest->addr + rest->len -
					pmap->addr);
		return -ENOMEM;
	}
	n->pieces = rest;
	for (struct pmemset_piece *q = rest; q; q = q->next)
		q->pmap = n;
	n->addr = rest->addr;
	pmemset_part_map_insert(set, n);
	return part_map_resplit(set, n);
}

/* range_overlaps -- [start, end) meets [a, a + len); an empty one never does */
static bool
range_overlaps(const char *a, size_t len, char *start, char *end)
{
	return start < end && start < a + len && end > a;
}

static bool
pmap_overlaps(struct pmemset_part_map *m, char *start, char *end)
{
	return range_overlaps(m->addr, m->size, start, end);
}

/* pmap_fully_removed -- true if the range touches every part of the map */
static bool
pmap_fully_removed(struct pmemset_part_map *m, char *start, char *end)
{
	for (struct pmemset_piece *p = m->pieces; p; p = p->next) {
		if (!range_overlaps(p->addr, p->len, start, end))
			return false;
	}
	return true;
}

/*
 * part_map_remove_range -- removes and unmaps, whole, every part of the
 * part map that [start, end) overlaps; the parts it does not touch stay
 * mapped where they are and are regrouped into one part map per
 * contiguous run. A part map that loses all its parts is removed as a
 * whole, announced by PMEMSET_EVENT_PART_REMOVE.
 */
static int
part_map_remove_range(struct pmemset *set, struct pmemset_part_map *m,
		char *start, char *end)
{
	if (pmap_fully_removed(m, start, end))
		return pmemset_part_map_destroy(set, m, true);

	int ret = 0;
	struct pmemset_piece **pp = &m->pieces;
	while (*pp) {
		struct pmemset_piece *p = *pp;
		if (!range_overlaps(p->addr, p->len, start, end)) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		int r = pmemset_piece_destroy(set, p);
		if (r) {
			/* libpmem2 kept it mapped: so do we */
			ret = ret ? ret : r;
			p->next = *pp;
			*pp = p;
			pp = &p->next;
		}
	}

	int r = part_map_resplit(set, m);
	return ret ? ret : r;
}

/* pmemset_remove_range -- unmaps, whole, every part the range overlaps */
PMEMSET_EXPORT int
pmemset_remove_range(struct pmemset *set, void *addr, size_t len)
{
	PMEMSET_ERR_CLR();

	if (!set) {
		ERR("NULL set");
		return -EINVAL;
	}

	char *start = addr;
	char *end = (uintptr_t)start + len < (uintptr_t)start ?
			(char *)UINTPTR_MAX :
			start + len;

	bool found = false;
	for (struct pmemset_part_map *m = set->pmaps; m; m = m->next) {
		if (!pmap_overlaps(m, start, end))
			continue;
		found = true;
		if (m->refcount > 0) {
			ERR("part map at %p is referenced", (void *)m->addr);
			return PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP;
		}
	}
	if (!found) {
		ERR("range %p+%zu overlaps no part map", addr, len);
		return PMEMSET_E_CANNOT_FIND_PART_MAP;
	}

	pmemset_event_range(set, PMEMSET_EVENT_REMOVE_RANGE, addr, len);

	int ret = 0;
	struct pmemset_part_map *m = set->pmaps;
	while (m) {
		struct pmemset_part_map *next = m->next;
		if (pmap_overlaps(m, start, end)) {
			int r = part_map_remove_range(set, m, start, end);
			ret = ret ? ret : r;
		}
		m = next;
	}

	pmemset_set_forget_granularity_if_empty(set);
	return ret;
}
