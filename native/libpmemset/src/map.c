// SPDX-License-Identifier: BSD-3-Clause
/*
 * map.c -- pmemset_map(): the steps that turn a source range into a part
 *
 * Order matters for which error the caller sees: argument checks first,
 * then the SDS and bad block checks (they must stop the mapping before
 * anything changes), then growing the file, then placement and libpmem2.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "libpmemset.h"
#include "badblock.h"
#include "events.h"
#include "map.h"
#include "map_config.h"
#include "part_map.h"
#include "placement.h"
#include "pmemset_utils.h"
#include "sds.h"
#include "set.h"
#include "source.h"

/*
 * pmemset_pmem2_map_at -- one libpmem2 mapping of the source range at
 * rsv_offset of the reservation, with the set's required granularity.
 */
int
pmemset_pmem2_map_at(struct pmemset *set, struct pmem2_source *src,
		size_t src_offset, size_t len, struct pmem2_vm_reservation *rsv,
		size_t rsv_offset, struct pmem2_map **map)
{
	struct pmem2_config *cfg;
	int ret = pmem2_config_new(&cfg);
	if (ret) {
		ERR("pmem2_config_new: %s", pmem2_errormsg());
		return PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE;
	}

	ret = pmem2_config_set_required_store_granularity(cfg,
			set->cfg.granularity);
	if (!ret)
		ret = pmem2_config_set_offset(cfg, src_offset);
	if (!ret)
		ret = pmem2_config_set_length(cfg, len);
	if (!ret)
		ret = pmem2_config_set_vm_reservation(cfg, rsv, rsv_offset);
	if (ret) {
		ERR("cannot configure the pmem2 mapping: %s", pmem2_errormsg());
		(void)pmem2_config_delete(&cfg);
		return ret == PMEM2_E_GRANULARITY_NOT_SUPPORTED ?
				PMEMSET_E_GRANULARITY_NOT_SUPPORTED :
				PMEMSET_E_INVALID_PMEM2_MAP;
	}

	ret = pmem2_map_new(map, cfg, src);
	(void)pmem2_config_delete(&cfg);
	if (ret) {
		ERR("pmem2_map_new failed with %d: %s", ret, pmem2_errormsg());
		return ret == PMEM2_E_GRANULARITY_NOT_SUPPORTED ?
				PMEMSET_E_GRANULARITY_NOT_SUPPORTED :
				PMEMSET_E_INVALID_PMEM2_MAP;
	}
	return 0;
}

/*
 * map_range -- resolves the effective (offset, length) of the part and
 * checks them against the source.
 */
static int
map_range(struct pmemset_source *src, size_t offset, size_t *length,
		size_t *align)
{
	if (offset > (size_t)INT64_MAX) {
		ERR("offset %zu is greater than INT64_MAX", offset);
		return PMEMSET_E_INVALID_OFFSET_VALUE;
	}

	if (pmem2_source_alignment(src->pmem2, align)) {
		ERR("cannot read the source alignment: %s", pmem2_errormsg());
		return PMEMSET_E_INVALID_ALIGNMENT_VALUE;
	}

	if (*length == 0) {
		size_t size;
		int ret = pmemset_source_size(src, &size);
		if (ret)
			return ret;
		*length = size > offset ? size - offset : 0;
	}
	if (*length == 0) {
		ERR("the length of the part is unset and the source is empty");
		return PMEMSET_E_MAP_LENGTH_UNSET;
	}

	if (*length % *align) {
		ERR("length %zu is not aligned to %zu", *length, *align);
		return PMEMSET_E_LENGTH_UNALIGNED;
	}
	if (offset % *align) {
		ERR("offset %zu is not aligned to %zu", offset, *align);
		return PMEM2_E_OFFSET_UNALIGNED;
	}

	/* the part's last byte must still be addressable by an off_t */
	if (*length > (size_t)INT64_MAX - offset) {
		ERR("part %zu+%zu ends beyond INT64_MAX", offset, *length);
		return PMEMSET_E_INVALID_OFFSET_VALUE;
	}
	return 0;
}

/* granularity_check -- every part of a set has one effective granularity */
static int
granularity_check(struct pmemset *set, struct pmem2_map *map)
{
	enum pmem2_granularity g = pmem2_map_get_store_granularity(map);
	if (set->gran_known && g != set->gran) {
		ERR("part granularity %d differs from the set's %d", (int)g,
				(int)set->gran);
		return PMEMSET_E_GRANULARITY_MISMATCH;
	}
	return 0;
}

struct map_objects {
	struct pmemset_piece *piece;
	struct pmemset_origin *origin;
	struct pmemset_part_map *pmap; /* only when not coalescing */
};

static void
map_objects_free(struct map_objects *o)
{
	free(o->piece);
	free(o->origin);
	free(o->pmap);
}

static int
map_objects_alloc(struct map_objects *o, bool need_pmap)
{
	o->piece = pmemset_zalloc(sizeof(*o->piece));
	o->origin = pmemset_zalloc(sizeof(*o->origin));
	o->pmap = NULL;
	if (!o->piece || !o->origin) {
		map_objects_free(o);
		return PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE;
	}
	if (need_pmap) {
		o->pmap = pmemset_zalloc(sizeof(*o->pmap));
		if (!o->pmap) {
			map_objects_free(o);
			return -ENOMEM;
		}
	}
	return 0;
}

/* map_commit -- links a freshly mapped piece into the set */
static void
map_commit(struct pmemset *set, struct pmemset_source *src,
		struct pmemset_placement *pl, struct map_objects *o,
		struct pmem2_map *map, size_t offset, size_t align)
{
	struct pmemset_piece *p = o->piece;
	p->map = map;
	p->addr = pmem2_map_get_address(map);
	p->len = pmem2_map_get_size(map);
	p->src_offset = offset;
	p->align = align;
	p->origin = o->origin;
	p->rsv = pl->rsv;
	pl->rsv->npieces++;

	o->origin->src = src;
	o->origin->npieces = 1;
	pmemset_source_get(src);

	if (pl->coalesce_with) {
		pmemset_part_map_append_piece(pl->coalesce_with, p);
	} else {
		o->pmap->addr = p->addr;
		o->pmap->size = 0;
		pmemset_part_map_append_piece(o->pmap, p);
		pmemset_part_map_insert(set, o->pmap);
	}

	set->last_piece = p;
	if (!set->gran_known) {
		set->gran = pmem2_map_get_store_granularity(map);
		set->gran_known = true;
	}
}

int
pmemset_map_core(struct pmemset *set, struct pmemset_source *src, size_t offset,
		size_t length, struct pmemset_part_descriptor *desc)
{
	if (!set) {
		ERR("NULL set");
		return -EINVAL;
	}
	int ret = pmemset_source_validate(src);
	if (ret)
		return ret;

	size_t align;
	ret = map_range(src, offset, &length, &align);
	if (ret)
		return ret;

	struct pmemset_sds_probe probe;
	if (src->sds) {
		ret = pmemset_sds_evaluate(set, src, &probe);
		if (ret)
			return ret;
	}

	if (src->badblock_detection) {
		ret = pmemset_badblock_detect(set, src);
		if (ret)
			return ret;
	}

	ret = pmemset_source_fit(src, offset + length);
	if (ret)
		return ret;

	struct pmemset_placement pl;
	ret = pmemset_placement_choose(set, length, align, &pl);
	if (ret)
		return ret;

	struct map_objects o;
	ret = map_objects_alloc(&o, pl.coalesce_with == NULL);
	if (ret)
		goto err_placement;

	struct pmem2_map *map;
	ret = pmemset_pmem2_map_at(set, src->pmem2, offset, length, pl.rsv->rsv,
			pl.rsv_offset, &map);
	if (ret)
		goto err_objects;

	ret = granularity_check(set, map);
	if (ret)
		goto err_map;

	map_commit(set, src, &pl, &o, map, offset, align);

	if (src->sds) {
		o.origin->sds = src->sds;
		pmemset_sds_acquire(set, src, &probe);
	}

	struct pmemset_event_context ctx = {0};
	ctx.type = PMEMSET_EVENT_PART_ADD;
	ctx.data.part_add.addr = o.piece->addr;
	ctx.data.part_add.len = o.piece->len;
	ctx.data.part_add.src = pmemset_source_event_pmem2(src);
	(void)pmemset_event_fire(set, &ctx);

	if (desc) {
		desc->addr = o.piece->addr;
		desc->size = o.piece->len;
	}
	return 0;

err_map:
	if (pmem2_map_delete(&map))
		LOG(1, "pmem2_map_delete: %s", pmem2_errormsg());
err_objects:
	map_objects_free(&o);
err_placement:
	pmemset_placement_abandon(&pl);
	return ret;
}

/* pmemset_map -- maps a range of the source as a new part */
PMEMSET_EXPORT int
pmemset_map(struct pmemset *set, struct pmemset_source *src,
		struct pmemset_map_config *map_cfg,
		struct pmemset_part_descriptor *desc)
{
	PMEMSET_ERR_CLR();

	size_t offset = map_cfg ? map_cfg->offset : 0;
	size_t length = map_cfg ? map_cfg->length : 0;
	return pmemset_map_core(set, src, offset, length, desc);
}
