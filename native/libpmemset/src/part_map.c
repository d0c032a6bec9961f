// SPDX-License-Identifier: BSD-3-Clause
/*
 * part_map.c -- part maps: lookup, iteration, references and removal of
 * whole part maps. Removing a range of addresses is in remove_range.c.
 */

#include <errno.h>
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

/* pmemset_part_map_unlink -- takes a part map out of the set's list */
void
pmemset_part_map_unlink(struct pmemset *set, struct pmemset_part_map *pmap)
{
	if (pmap->prev)
		pmap->prev->next = pmap->next;
	else
		set->pmaps = pmap->next;
	if (pmap->next)
		pmap->next->prev = pmap->prev;
	pmap->prev = pmap->next = NULL;
}

/*
 * pmemset_part_map_append_piece -- appends a piece (coalescing maps after it)
 */
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
		pmemset_event_range(set, PMEMSET_EVENT_PART_REMOVE, pmap->addr,
				pmap->size);

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
		pmemset_part_map_unlink(set, pmap);
		pmemset_part_map_insert(set, pmap);
		return ret;
	}

	pmemset_part_map_unlink(set, pmap);
	free(pmap);
	pmemset_set_forget_granularity_if_empty(set);
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

/* pmemset_descriptor_part_map -- address and size of the part map */
PMEMSET_EXPORT struct pmemset_part_descriptor
pmemset_descriptor_part_map(struct pmemset_part_map *pmap)
{
	PMEMSET_ERR_CLR();

	struct pmemset_part_descriptor d = {NULL, 0};
	if (pmap) {
		d.addr = pmap->addr;
		d.size = pmap->size;
	}
	return d;
}

/* pmemset_first_part_map -- the lowest part map, referenced */
PMEMSET_EXPORT void
pmemset_first_part_map(struct pmemset *set, struct pmemset_part_map **pmap)
{
	PMEMSET_ERR_CLR();

	if (!pmap)
		return;
	*pmap = NULL;
	if (!set || !set->pmaps)
		return;
	set->pmaps->refcount++;
	*pmap = set->pmaps;
}

/* pmemset_next_part_map -- the part map after cur, referenced */
PMEMSET_EXPORT void
pmemset_next_part_map(struct pmemset *set, struct pmemset_part_map *cur,
		struct pmemset_part_map **next)
{
	PMEMSET_ERR_CLR();

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

/* pmemset_part_map_by_address -- the part map holding addr, referenced */
PMEMSET_EXPORT int
pmemset_part_map_by_address(struct pmemset *set, struct pmemset_part_map **pmap,
		void *addr)
{
	PMEMSET_ERR_CLR();

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

/* pmemset_part_map_drop -- drops a part map reference, NULLs the pointer */
PMEMSET_EXPORT void
pmemset_part_map_drop(struct pmemset_part_map **pmap)
{
	PMEMSET_ERR_CLR();

	if (!pmap)
		return;
	if (*pmap && (*pmap)->refcount > 0)
		(*pmap)->refcount--;
	*pmap = NULL;
}

/* pmemset_remove_part_map -- unmaps a part map and forgets it */
PMEMSET_EXPORT int
pmemset_remove_part_map(struct pmemset *set, struct pmemset_part_map **pmap_ptr)
{
	PMEMSET_ERR_CLR();

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
