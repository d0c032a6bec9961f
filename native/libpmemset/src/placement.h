/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * placement.h -- where a new part goes: virtual memory reservations and
 * contiguous part coalescing.
 */

#ifndef PMEMSET_PLACEMENT_H
#define PMEMSET_PLACEMENT_H 1

#include <stdbool.h>
#include <stddef.h>

struct pmemset;
struct pmemset_piece;
struct pmemset_part_map;

/*
 * Every piece lives in a pmem2 reservation: the user's one (never resized
 * or deleted by us) or one of our own, which we delete when its last piece
 * goes away.
 */
struct pmemset_rsv {
	struct pmem2_vm_reservation *rsv;
	bool owned;
	unsigned npieces;
};

struct pmemset_placement {
	struct pmemset_rsv *rsv;
	size_t rsv_offset;
	struct pmemset_part_map *coalesce_with; /* NULL: a new part map */
	bool new_rsv; /* rsv created for this placement only */
};

int pmemset_placement_choose(struct pmemset *set, size_t len, size_t align,
		struct pmemset_placement *out);
void pmemset_placement_abandon(struct pmemset_placement *pl);

struct pmemset_rsv *pmemset_rsv_wrap_user(struct pmem2_vm_reservation *rsv);
void pmemset_rsv_piece_gone(struct pmemset_rsv **rsvp);

#endif
