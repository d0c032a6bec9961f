// SPDX-License-Identifier: BSD-3-Clause
/*
 * sds.c -- shutdown data state (SDS) of parts.
 *
 * The user's struct pmemset_sds is the persistent record: the device id
 * and unsafe shutdown count (USC) seen last, and how many mappings use it.
 * A refcount above zero when nobody in this process has the source mapped
 * means the previous user did not unmap cleanly. Then an unchanged device
 * id and USC says only the application was interrupted, while a changed
 * USC says the platform itself shut down unsafely with the part open.
 */

#include <string.h>

#include "libpmemset.h"
#include "events.h"
#include "pmemset_utils.h"
#include "sds.h"
#include "set.h"
#include "source.h"

static void
sds_update_event(struct pmemset *set, struct pmemset_source *src,
		struct pmemset_sds *sds)
{
	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = PMEMSET_EVENT_SDS_UPDATE;
	ctx.data.sds_update.sds = sds;
	ctx.data.sds_update.src = src;
	(void)pmemset_event_fire(set, &ctx);
}

/* sds_read_device -- device id and USC; 0, SDS_NOSUPP or another error */
static int
sds_read_device(struct pmemset_source *src, struct pmemset_sds_probe *probe)
{
	int ret = pmem2_source_device_usc(src->pmem2, &probe->usc);
	if (ret == PMEM2_E_NOSUPP) {
		ERR("the device does not support unsafe shutdown counts: %s",
				pmem2_errormsg());
		return PMEMSET_E_SDS_NOSUPP;
	}
	if (ret)
		return ret;

	size_t len = 0;
	ret = pmem2_source_device_id(src->pmem2, NULL, &len);
	if (ret == PMEM2_E_NOSUPP) {
		ERR("the device has no id: %s", pmem2_errormsg());
		return PMEMSET_E_SDS_NOSUPP;
	}
	if (ret)
		return ret;
	if (len > sizeof(probe->id)) {
		ERR("device id of %zu bytes does not fit in %zu", len,
				sizeof(probe->id));
		return PMEMSET_E_SDS_DEVICE_ID_LEN_TOO_BIG;
	}
	return pmem2_source_device_id(src->pmem2, probe->id, &len);
}

static enum pmemset_part_state
sds_state(struct pmemset_source *src, const struct pmemset_sds_probe *probe)
{
	struct pmemset_sds *sds = src->sds;
	if (src->sds_open_parts > 0)
		return PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN;
	if (sds->refcount <= 0)
		return PMEMSET_PART_STATE_OK;
	if (strncmp(sds->id, probe->id, sizeof(sds->id)) == 0 &&
			sds->usc == probe->usc)
		return PMEMSET_PART_STATE_OK_BUT_INTERRUPTED;
	return PMEMSET_PART_STATE_CORRUPTED;
}

/*
 * pmemset_sds_evaluate -- the state of the part about to be mapped,
 * reported through the source's state pointer and checked against the
 * acceptable states of the set.
 */
int
pmemset_sds_evaluate(struct pmemset *set, struct pmemset_source *src,
		struct pmemset_sds_probe *probe)
{
	memset(probe, 0, sizeof(*probe));

	enum pmemset_part_state state;
	int ret = sds_read_device(src, probe);
	if (ret == PMEMSET_E_SDS_NOSUPP ||
			ret == PMEMSET_E_SDS_DEVICE_ID_LEN_TOO_BIG)
		return ret;
	if (ret) {
		LOG(1, "cannot read device information: %s", pmem2_errormsg());
		probe->id[0] = '\0';
		state = PMEMSET_PART_STATE_INDETERMINATE;
	} else {
		state = sds_state(src, probe);
	}

	if (src->state_ptr)
		*src->state_ptr = state;

	if (!((uint64_t)state & set->cfg.acceptable_states)) {
		ERR("part state 0x%x is not among the acceptable states 0x%llx",
				(unsigned)state,
				(unsigned long long)set->cfg.acceptable_states);
		return PMEMSET_E_UNDESIRABLE_PART_STATE;
	}
	return 0;
}

/* pmemset_sds_acquire -- records a newly mapped part in the SDS */
void
pmemset_sds_acquire(struct pmemset *set, struct pmemset_source *src,
		const struct pmemset_sds_probe *probe)
{
	struct pmemset_sds *sds = src->sds;
	if (probe->id[0] != '\0') {
		memcpy(sds->id, probe->id, sizeof(sds->id));
		sds->id[PMEMSET_SDS_DEVICE_ID_LEN] = '\0';
		sds->usc = probe->usc;
	}
	sds->refcount++;
	src->sds_open_parts++;
	sds_update_event(set, src, sds);
}

/* pmemset_sds_release -- the last piece of a part was unmapped */
void
pmemset_sds_release(struct pmemset *set, struct pmemset_source *src,
		struct pmemset_sds *sds)
{
	if (sds->refcount > 0)
		sds->refcount--;
	if (src->sds_open_parts > 0)
		src->sds_open_parts--;
	sds_update_event(set, src, sds);
}
