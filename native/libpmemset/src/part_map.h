/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * part_map.h -- part maps and the pieces they are made of.
 *
 * A piece is one pmem2 mapping: one whole part (one pmemset_map call);
 * pmemset_remove_range removes parts whole and never splits one. A part
 * map is a run of address-contiguous pieces that were coalesced; it is
 * what the user sees as struct pmemset_part_map.
 */

#ifndef PMEMSET_PART_MAP_H
#define PMEMSET_PART_MAP_H 1

#include <stdbool.h>
#include <stddef.h>
#include "libpmemset.h"

struct pmemset_rsv;

/* bookkeeping shared by the pieces one pmemset_map call produced */
struct pmemset_origin {
	struct pmemset_source *src; /* holds a reference */
	struct pmemset_sds *sds; /* SDS counted for this part, or NULL */
	unsigned npieces;
};

struct pmemset_piece {
	struct pmemset_piece *next; /* address order inside the part map */
	struct pmemset_part_map *pmap;
	struct pmem2_map *map;
	char *addr;
	size_t len;
	size_t src_offset; /* where addr maps in the source */
	size_t align;
	struct pmemset_origin *origin;
	struct pmemset_rsv *rsv;
};

struct pmemset_part_map {
	struct pmemset_part_map *prev, *next; /* address order in the set */
	struct pmemset_piece *pieces;
	char *addr;
	size_t size;
	int refcount; /* references handed out by first/next/by_address */
};

struct pmemset;

void pmemset_part_map_insert(struct pmemset *set,
		struct pmemset_part_map *pmap);
void pmemset_part_map_unlink(struct pmemset *set,
		struct pmemset_part_map *pmap);
void pmemset_part_map_append_piece(struct pmemset_part_map *pmap,
		struct pmemset_piece *piece);
int pmemset_part_map_destroy(struct pmemset *set, struct pmemset_part_map *pmap,
		bool fire_event);
struct pmemset_piece *pmemset_piece_by_address(struct pmemset *set,
		const void *addr);
int pmemset_piece_destroy(struct pmemset *set, struct pmemset_piece *piece);

#endif
