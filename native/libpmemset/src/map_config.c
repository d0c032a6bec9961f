// SPDX-License-Identifier: BSD-3-Clause
/* map_config.c -- struct pmemset_map_config: offset and length of a part */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "libpmemset.h"
#include "map_config.h"
#include "pmemset_utils.h"

/* pmemset_map_config_new -- offset 0, length to the end of the source */
PMEMSET_EXPORT int
pmemset_map_config_new(struct pmemset_map_config **map_cfg)
{
	PMEMSET_ERR_CLR();

	if (!map_cfg) {
		ERR("NULL map config pointer");
		return -EINVAL;
	}
	*map_cfg = NULL;

	struct pmemset_map_config *c = pmemset_zalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	*map_cfg = c;
	return 0;
}

/* pmemset_map_config_delete -- frees a map config, NULLs the pointer */
PMEMSET_EXPORT int
pmemset_map_config_delete(struct pmemset_map_config **map_cfg)
{
	PMEMSET_ERR_CLR();

	if (!map_cfg || !*map_cfg)
		return 0;
	free(*map_cfg);
	*map_cfg = NULL;
	return 0;
}

/* pmemset_map_config_set_offset -- where in the source the part starts */
PMEMSET_EXPORT int
pmemset_map_config_set_offset(struct pmemset_map_config *map_cfg, size_t offset)
{
	PMEMSET_ERR_CLR();

	if (!map_cfg) {
		ERR("NULL map config");
		return -EINVAL;
	}
	/* mmap takes an off_t: anything above INT64_MAX cannot be mapped */
	if (offset > (size_t)INT64_MAX) {
		ERR("offset %zu is greater than INT64_MAX", offset);
		return PMEMSET_E_OFFSET_OUT_OF_RANGE;
	}
	map_cfg->offset = offset;
	return 0;
}

/* pmemset_map_config_set_length -- length of the part (0: to the end) */
PMEMSET_EXPORT void
pmemset_map_config_set_length(struct pmemset_map_config *map_cfg, size_t length)
{
	PMEMSET_ERR_CLR();

	if (!map_cfg)
		return;
	map_cfg->length = length;
}
