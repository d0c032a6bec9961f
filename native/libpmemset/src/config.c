// SPDX-License-Identifier: BSD-3-Clause
/* config.c -- struct pmemset_config: what pmemset_new() copies */

#include <errno.h>
#include <stdlib.h>

#include "libpmemset.h"
#include "config.h"
#include "pmemset_utils.h"

/* pmemset_config_new -- a config accepting the default part states */
PMEMSET_EXPORT int
pmemset_config_new(struct pmemset_config **cfg)
{
	PMEMSET_ERR_CLR();

	if (!cfg) {
		ERR("NULL config pointer");
		return -EINVAL;
	}
	*cfg = NULL;

	struct pmemset_config *c = pmemset_zalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;

	c->acceptable_states = PMEMSET_PART_STATES_DEFAULT;
	*cfg = c;
	return 0;
}

/* pmemset_config_delete -- frees a config, NULLs the pointer */
PMEMSET_EXPORT int
pmemset_config_delete(struct pmemset_config **cfg)
{
	PMEMSET_ERR_CLR();

	if (!cfg || !*cfg)
		return 0;
	free(*cfg);
	*cfg = NULL;
	return 0;
}

/* pmemset_config_set_reservation -- every part of the set goes into rsv */
PMEMSET_EXPORT void
pmemset_config_set_reservation(struct pmemset_config *cfg,
		struct pmem2_vm_reservation *rsv)
{
	PMEMSET_ERR_CLR();

	if (!cfg)
		return;
	cfg->rsv = rsv;
}

/* pmemset_config_set_acceptable_states -- part states to accept */
PMEMSET_EXPORT int
pmemset_config_set_acceptable_states(struct pmemset_config *cfg,
		uint64_t states)
{
	PMEMSET_ERR_CLR();

	if (!cfg) {
		ERR("NULL config");
		return -EINVAL;
	}
	if (states & ~(uint64_t)PMEMSET_PART_STATES_VALID) {
		ERR("states 0x%llx contain an undefined part state",
				(unsigned long long)states);
		return PMEMSET_E_INVALID_PART_STATES;
	}
	cfg->acceptable_states = states;
	return 0;
}

/* pmemset_config_set_event_callback -- who receives the events */
PMEMSET_EXPORT void
pmemset_config_set_event_callback(struct pmemset_config *cfg,
		pmemset_event_callback *callback, void *arg)
{
	PMEMSET_ERR_CLR();

	if (!cfg)
		return;
	cfg->callback = callback;
	cfg->callback_arg = arg;
}

/* pmemset_config_set_required_store_granularity -- granularity of parts */
PMEMSET_EXPORT int
pmemset_config_set_required_store_granularity(struct pmemset_config *cfg,
		enum pmem2_granularity g)
{
	PMEMSET_ERR_CLR();

	if (!cfg) {
		ERR("NULL config");
		return -EINVAL;
	}
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
	case PMEM2_GRANULARITY_CACHE_LINE:
	case PMEM2_GRANULARITY_PAGE:
		break;
	default:
		ERR("granularity %d is not a valid value", (int)g);
		return PMEMSET_E_GRANULARITY_NOT_SUPPORTED;
	}
	cfg->granularity = g;
	cfg->granularity_set = true;
	return 0;
}
