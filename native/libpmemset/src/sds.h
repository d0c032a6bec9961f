/* SPDX-License-Identifier: BSD-3-Clause */
/* sds.h -- shutdown data state evaluation for parts being mapped */

#ifndef PMEMSET_SDS_H
#define PMEMSET_SDS_H 1

#include "libpmemset.h"

struct pmemset_sds_probe {
	char id[PMEMSET_SDS_DEVICE_ID_LEN + 1];
	uint64_t usc;
};

int pmemset_sds_evaluate(struct pmemset *set, struct pmemset_source *src,
		struct pmemset_sds_probe *probe);
void pmemset_sds_acquire(struct pmemset *set, struct pmemset_source *src,
		const struct pmemset_sds_probe *probe);
void pmemset_sds_release(struct pmemset *set, struct pmemset_source *src,
		struct pmemset_sds *sds);

#endif
