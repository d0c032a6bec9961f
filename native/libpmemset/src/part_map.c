// SPDX-License-Identifier: BSD-3-Clause
/*
 * part_map.c -- part maps: lookup, iteration, references and removal.
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
#include <string.h>

#include "libpmemset.h"
#include "events.h"
#include "map.h"
#include "part_map.h"
#include "placement.h"
#include "pmemset_utils.h"
#include "sds.h"
#include "set.h"
#include "source.h"

void
pmemset_part_map_insert(struct pmemset *set, struct pmemset_part_map *pmap)
{
	struct pmemset_part_map *prev = NULL;
	struct pmemset_part_map *cur = set->pmaps;
	while (cur && cur->addr < pmap->addr) {
		prev = cur;
		cur = cur->next;
	}
	pmap->prev = prev;
	pmap->next = cur;
	if (cur)
		cur->prev = pmap;
	if (prev)
		prev->next = pmap;
	else
		set->pmaps = pmap;
}

static void
part_map_unlink(struct pmemset *set, struct pmemset_part_map *pmap)
{
	if (pmap->prev)
		pmap->prev->next = pmap->next;
	else
		set->pmaps = pmap->next;
	if (pmap->next)
		pmap->next->prev = pmap->prev;
	pmap->prev = pmap->next = NULL;
}

/* pieces are only ever appended at the end: coalescing maps after it */
void
pmemset_part_map_append_piece(struct pmemset_part_map *pmap,
		struct pmemset_piece *piece)
{
	struct pmemset_piece **pp = &pmap->pieces;
	while (*pp)
		pp = &(*pp)->next;
	*pp = piece;
	piece->next = NULL;
	piece->pmap = pmap;
	pmap->size += piece->len;
}

/* origin_piece_gone -- the last piece of a part takes its bookkeeping */
static void
origin_piece_gone(struct pmemset *set, struct pmemset_origin *o)
{
	if (--o->npieces > 0)
		return;
	if (o->sds)
		pmemset_sds_release(set, o->src, o->sds);
	pmemset_source_put(o->src);
	free(o);
}

/*
 * pmemset_piece_destroy -- unmaps a piece and forgets it; the caller has
 * already unlinked it from its part map.
 */
int
pmemset_piece_destroy(struct pmemset *set, struct pmemset_piece *piece)
{
	int ret = pmem2_map_delete(&piece->map);
	if (ret) {
		ERR("pmem2_map_delete: %s", pmem2_errormsg());
		return ret;
	}
	if (set->last_piece == piece)
		set->last_piece = NULL;
	pmemset_rsv_piece_gone(&piece->rsv);
	origin_piece_gone(set, piece->origin);
	free(piece);
	return 0;
}

static void
set_forget_granularity_if_empty(struct pmemset *set)
{
	if (!set->pmaps)
		set->gran_known = false;
}

/*
 * pmemset_part_map_destroy -- unmaps every piece of a part map and frees
 * it. Pieces that libpmem2 refuses to unmap stay in the part map, which
 * then stays in the set, so nothing mapped is ever forgotten.
 */
int
pmemset_part_map_destroy(struct pmemset *set, struct pmemset_part_map *pmap,
		bool fire_event)
{
	if (fire_event)
		pmemset_event_range(set, PMEMSET_EVENT_PART_REMOVE,
				pmap->addr, pmap->size);

	int ret = 0;
	struct pmemset_piece **pp = &pmap->pieces;
	while (*pp) {
		struct pmemset_piece *p = *pp;
		*pp = p->next;
		int r = pmemset_piece_destroy(set, p);
		if (r) {
			/* keep it, move on to the next one */
			ret = ret ? ret : r;
			p->next = *pp;
			*pp = p;
			pp = &p->next;
		}
	}

	if (pmap->pieces) {
		pmap->addr = pmap->pieces->addr;
		pmap->size = 0;
		for (struct pmemset_piece *p = pmap->pieces; p; p = p->next)
			pmap->size += p->len;
		if (ret == 0)
			ret = PMEMSET_E_UNKNOWN;
		part_map_unlink(set, pmap);
		pmemset_part_map_insert(set, pmap);
		return ret;
	}

	part_map_unlink(set, pmap);
	free(pmap);
	set_forget_granularity_if_empty(set);
	return ret;
}

struct pmemset_piece *
pmemset_piece_by_address(struct pmemset *set, const void *addr)
{
	const char *a = addr;
	for (struct pmemset_part_map *m = set->pmaps; m; m = m->next) {
		if (a < m->addr)
			return NULL;
		if (a >= m->addr + m->size)
			continue;
		for (struct pmemset_piece *p = m->pieces; p; p = p->next) {
			if (a >= p->addr && a < p->addr + p->len)
				return p;
		}
	}
	return NULL;
}

static bool
set_contains_pmap(struct pmemset *set, struct pmemset_part_map *pmap)
{
	for (struct pmemset_part_map *m = set->pmaps; m; m = m->next) {
		if (m == pmap)
			return true;
	}
	return false;
}

PMEMSET_EXPORT struct pmemset_part_descriptor
pmemset_descriptor_part_map(struct pmemset_part_map *pmap)
{
	struct pmemset_part_descriptor d = {NULL, 0};
	if (pmap) {
		d.addr = pmap->addr;
		d.size = pmap->size;
	}
	return d;
}

PMEMSET_EXPORT void
pmemset_first_part_map(struct pmemset *set, struct pmemset_part_map **pmap)
{
	if (!pmap)
		return;
	*pmap = NULL;
	if (!set || !set->pmaps)
		return;
	set->pmaps->refcount++;
	*pmap = set->pmaps;
}

PMEMSET_EXPORT void
pmemset_next_part_map(struct pmemset *set, struct pmemset_part_map *cur,
		struct pmemset_part_map **next)
{
	if (!next)
		return;
	*next = NULL;
	if (!set || !cur || !set_contains_pmap(set, cur))
		return;
	if (cur->next) {
		cur->next->refcount++;
		*next = cur->next;
	}
}

PMEMSET_EXPORT int
pmemset_part_map_by_address(struct pmemset *set,
		struct pmemset_part_map **pmap, void *addr)
{
	if (!set || !pmap) {
		ERR("NULL argument");
		return -EINVAL;
	}
	*pmap = NULL;

	struct pmemset_piece *p = pmemset_piece_by_address(set, addr);
	if (!p) {
		ERR("no part map at address %p", addr);
		return PMEMSET_E_CANNOT_FIND_PART_MAP;
	}
	p->pmap->refcount++;
	*pmap = p->pmap;
	return 0;
}

PMEMSET_EXPORT void
pmemset_part_map_drop(struct pmemset_part_map **pmap)
{
	if (!pmap)
		return;
	if (*pmap && (*pmap)->refcount > 0)
		(*pmap)->refcount--;
	*pmap = NULL;
}

PMEMSET_EXPORT int
pmemset_remove_part_map(struct pmemset *set,
		struct pmemset_part_map **pmap_ptr)
{
	if (!set || !pmap_ptr) {
		ERR("NULL argument");
		return -EINVAL;
	}
	struct pmemset_part_map *pmap = *pmap_ptr;
	if (!pmap || !set_contains_pmap(set, pmap)) {
		ERR("part map %p not found in the set", (void *)pmap);
		return PMEMSET_E_PART_NOT_FOUND;
	}
	/* the caller's own reference is the only one allowed */
	if (pmap->refcount > 1) {
		ERR("part map is referenced %d times", pmap->refcount);
		return PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP;
	}

	pmap->refcount = 0;
	int ret = pmemset_part_map_destroy(set, pmap, true);
	if (ret)
		return ret;
	*pmap_ptr = NULL;
	return 0;
}

/* ---- remove range ---- */

/*
 * part_map_resplit -- after whole parts were removed from it, a part map
 * may have gaps between its remaining pieces: every contiguous run becomes
 * a part map of its own. A part map left with no piece is freed.
 */
static int
part_map_resplit(struct pmemset *set, struct pmemset_part_map *pmap)
{
	if (!pmap->pieces) {
		part_map_unlink(set, pmap);
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

/* an empty range (start == end) overlaps nothing */
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

PMEMSET_EXPORT int
pmemset_remove_range(struct pmemset *set, void *addr, size_t len)
{
	if (!set) {
		ERR("NULL set");
		return -EINVAL;
	}

	char *start = addr;
	char *end = (uintptr_t)start + len < (uintptr_t)start ?
			(char *)UINTPTR_MAX : start + len;

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

	set_forget_granularity_if_empty(set);
	return ret;
}
