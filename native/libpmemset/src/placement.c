// SPDX-License-Identifier: BSD-3-Clause
/*
 * placement.c -- choosing the address of a new part.
 *
 * With a user reservation every part goes into it: right after the
 * previous part when coalescing, else in the first free, suitably aligned
 * gap. Without one, each new part map gets a reservation of its own that
 * is larger than the part by PLACEMENT_WINDOW: the spare tail keeps the
 * range after the part free for parts coalesced later (libpmem2 1.12 also
 * keeps some hidden slack after its reservations; the window makes the
 * behaviour independent of that). The window is PROT_NONE address space
 * only; it costs no memory.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "libpmemset.h"
#include "part_map.h"
#include "placement.h"
#include "pmemset_utils.h"
#include "set.h"

#define PLACEMENT_WINDOW ((size_t)1 << 30)

struct pmemset_rsv *
pmemset_rsv_wrap_user(struct pmem2_vm_reservation *rsv)
{
	struct pmemset_rsv *r = pmemset_zalloc(sizeof(*r));
	if (!r)
		return NULL;
	r->rsv = rsv;
	r->owned = false;
	return r;
}

/*
 * pmemset_rsv_piece_gone -- a piece left the reservation; our own
 * reservations go away with their last piece.
 */
void
pmemset_rsv_piece_gone(struct pmemset_rsv **rsvp)
{
	struct pmemset_rsv *r = *rsvp;
	*rsvp = NULL;
	if (!r)
		return;
	if (r->npieces > 0)
		r->npieces--;
	if (!r->owned || r->npieces > 0)
		return;

	if (pmem2_vm_reservation_delete(&r->rsv))
		LOG(1, "pmem2_vm_reservation_delete: %s", pmem2_errormsg());
	free(r);
}

static char *
rsv_addr(struct pmemset_rsv *r)
{
	return pmem2_vm_reservation_get_address(r->rsv);
}

static size_t
rsv_size(struct pmemset_rsv *r)
{
	return pmem2_vm_reservation_get_size(r->rsv);
}

/* range_free -- true when no pmem2 map of the reservation overlaps */
static bool
range_free(struct pmemset_rsv *r, size_t off, size_t len)
{
	struct pmem2_map *m = NULL;
	int ret = pmem2_vm_reservation_map_find(r->rsv, off, len, &m);
	return ret == PMEM2_E_MAPPING_NOT_FOUND || (ret == 0 && m == NULL);
}

/*
 * place_after -- the range right after the previous part; fails with the
 * error FULL coalescing reports.
 */
static int
place_after(struct pmemset *set, size_t len, size_t align,
		struct pmemset_placement *out)
{
	struct pmemset_piece *prev = set->last_piece;
	struct pmemset_rsv *r = prev->rsv;
	char *target = prev->addr + prev->len;
	char *base = rsv_addr(r);
	size_t size = rsv_size(r);
	size_t off = (size_t)(target - base);

	if ((uintptr_t)target % align) {
		ERR("address after the previous part is not aligned to %zu",
				align);
		return PMEMSET_E_CANNOT_COALESCE_PARTS;
	}

	size_t inside = off < size ? size - off : 0;
	if (inside > len)
		inside = len;
	if (inside && !range_free(r, off, inside)) {
		ERR("the range after the previous part is occupied");
		return PMEMSET_E_CANNOT_COALESCE_PARTS;
	}

	if (inside < len) {
		if (!r->owned) {
			/* the user's reservation is never resized */
			ERR("no room after the previous part in the reservation");
			return PMEMSET_E_CANNOT_FIT_PART_MAP;
		}
		size_t grow = PMEMSET_ALIGN_UP(len - inside,
				pmemset_pagesize());
		int ret = pmem2_vm_reservation_extend(r->rsv, grow);
		if (ret) {
			ERR("the range after the previous part is occupied: %s",
					pmem2_errormsg());
			return PMEMSET_E_CANNOT_COALESCE_PARTS;
		}
	}

	out->rsv = r;
	out->rsv_offset = off;
	out->coalesce_with = prev->pmap;
	out->new_rsv = false;
	return 0;
}

/* first_fit -- lowest aligned gap of the user reservation that fits */
static int
first_fit(struct pmemset_rsv *r, size_t len, size_t align,
		struct pmemset_placement *out)
{
	uintptr_t base = (uintptr_t)rsv_addr(r);
	uintptr_t end = base + rsv_size(r);
	uintptr_t cursor = base;

	struct pmem2_map *m = NULL;
	int ret = pmem2_vm_reservation_map_find_first(r->rsv, &m);
	while (1) {
		uintptr_t gap_end = end;
		if (ret == 0 && m)
			gap_end = (uintptr_t)pmem2_map_get_address(m);

		uintptr_t cand = PMEMSET_ALIGN_UP(cursor, align);
		if (cand <= gap_end && gap_end - cand >= len) {
			out->rsv = r;
			out->rsv_offset = cand - base;
			out->coalesce_with = NULL;
			out->new_rsv = false;
			return 0;
		}

		if (ret != 0 || !m)
			break;
		uintptr_t mend = gap_end + pmem2_map_get_size(m);
		if (mend > cursor)
			cursor = mend;
		ret = pmem2_vm_reservation_map_find_next(r->rsv, m, &m);
	}

	ERR("the reservation has no free range of %zu bytes", len);
	return PMEMSET_E_CANNOT_FIT_PART_MAP;
}

/* own_rsv -- a fresh reservation (with the coalescing window) */
static int
own_rsv(size_t len, size_t align, struct pmemset_placement *out)
{
	struct pmemset_rsv *r = pmemset_zalloc(sizeof(*r));
	if (!r)
		return PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE;
	r->owned = true;

	size_t page = pmemset_pagesize();
	size_t extra = align > page ? align : 0;
	size_t size = PMEMSET_ALIGN_UP(len, page) + PLACEMENT_WINDOW + extra;

	int ret = pmem2_vm_reservation_new(&r->rsv, NULL, size);
	if (ret) {
		ERR("cannot reserve %zu bytes of address space: %s", size,
				pmem2_errormsg());
		free(r);
		return PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE;
	}

	uintptr_t base = (uintptr_t)rsv_addr(r);
	out->rsv = r;
	out->rsv_offset = PMEMSET_ALIGN_UP(base, align) - base;
	out->coalesce_with = NULL;
	out->new_rsv = true;
	return 0;
}

int
pmemset_placement_choose(struct pmemset *set, size_t len, size_t align,
		struct pmemset_placement *out)
{
	if (set->coalescing != PMEMSET_COALESCING_NONE && set->last_piece) {
		int ret = place_after(set, len, align, out);
		if (ret == 0)
			return 0;
		if (set->coalescing == PMEMSET_COALESCING_FULL)
			return ret;
		LOG(2, "coalescing not possible, mapping elsewhere");
	}

	if (set->user_rsv)
		return first_fit(set->user_rsv, len, align, out);
	return own_rsv(len, align, out);
}

/* pmemset_placement_abandon -- undoes a placement whose mapping failed */
void
pmemset_placement_abandon(struct pmemset_placement *pl)
{
	if (pl->new_rsv && pl->rsv && pl->rsv->npieces == 0) {
		pl->rsv->npieces = 1; /* let the helper free it */
		pmemset_rsv_piece_gone(&pl->rsv);
	}
	pl->rsv = NULL;
}
