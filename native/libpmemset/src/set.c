// SPDX-License-Identifier: BSD-3-Clause
/* set.c -- struct pmemset: creation, deletion and set-wide properties */

#include <errno.h>
#include <stdlib.h>

#include "libpmemset.h"
#include "part_map.h"
#include "placement.h"
#include "pmemset_utils.h"
#include "set.h"

/* pmemset_new -- a set made from the config, which must set a granularity */
PMEMSET_EXPORT int
pmemset_new(struct pmemset **set, struct pmemset_config *cfg)
{
	PMEMSET_ERR_CLR();

	if (!set) {
		ERR("NULL set pointer");
		return -EINVAL;
	}
	*set = NULL;

	/*
	 * Every part is mapped with the same required granularity, so a set
	 * cannot exist without one; a NULL config is treated as an empty one.
	 */
	if (!cfg || !cfg->granularity_set) {
		ERR("required store granularity is not set in the config");
		return PMEMSET_E_GRANULARITY_NOT_SET;
	}

	struct pmemset *s = pmemset_zalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;

	s->cfg = *cfg;
	s->coalescing = PMEMSET_COALESCING_NONE;

	if (cfg->rsv) {
		s->user_rsv = pmemset_rsv_wrap_user(cfg->rsv);
		if (!s->user_rsv) {
			free(s);
			return -ENOMEM;
		}
	}

	*set = s;
	return 0;
}

/*
 * pmemset_delete -- unmaps every part still in the set (firing
 * PMEMSET_EVENT_PART_REMOVE for each part map, as a removal would) and
 * frees the set. A user reservation is left empty but otherwise untouched.
 */
PMEMSET_EXPORT int
pmemset_delete(struct pmemset **set)
{
	PMEMSET_ERR_CLR();

	if (!set || !*set)
		return 0;

	struct pmemset *s = *set;
	struct pmemset_part_map *m = s->pmaps;
	while (m) {
		/* a part map that fails stays linked; never revisit it */
		struct pmemset_part_map *next = m->next;
		if (pmemset_part_map_destroy(s, m, true))
			LOG(1, "part map could not be fully unmapped, leaked");
		m = next;
	}

	free(s->user_rsv);
	free(s);
	*set = NULL;
	return 0;
}

/*
 * pmemset_set_forget_granularity_if_empty -- a set whose last part is gone
 * takes the granularity of the next part mapped into it.
 */
void
pmemset_set_forget_granularity_if_empty(struct pmemset *set)
{
	if (!set->pmaps)
		set->gran_known = false;
}

/* pmemset_get_store_granularity -- the effective granularity of the parts */
PMEMSET_EXPORT int
pmemset_get_store_granularity(struct pmemset *set, enum pmem2_granularity *g)
{
	PMEMSET_ERR_CLR();

	if (!set || !g) {
		ERR("NULL argument");
		return -EINVAL;
	}
	if (!set->gran_known) {
		ERR("no part is mapped in the set");
		return PMEMSET_E_NO_PART_MAPPED;
	}
	*g = set->gran;
	return 0;
}

/* pmemset_set_contiguous_part_coalescing -- how new parts coalesce */
PMEMSET_EXPORT int
pmemset_set_contiguous_part_coalescing(struct pmemset *set,
		enum pmemset_coalescing value)
{
	PMEMSET_ERR_CLR();

	if (!set) {
		ERR("NULL set");
		return -EINVAL;
	}
	switch (value) {
	case PMEMSET_COALESCING_NONE:
	case PMEMSET_COALESCING_OPPORTUNISTIC:
	case PMEMSET_COALESCING_FULL:
		set->coalescing = value;
		return 0;
	default:
		ERR("invalid coalescing value %d", (int)value);
		return PMEMSET_E_INVALID_COALESCING_VALUE;
	}
}
