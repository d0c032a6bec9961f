/* SPDX-License-Identifier: BSD-3-Clause */
/* source.h -- internal view of struct pmemset_source */

#ifndef PMEMSET_SOURCE_H
#define PMEMSET_SOURCE_H 1

#include <stdbool.h>
#include "libpmemset.h"

enum pmemset_source_type {
	PMEMSET_SOURCE_UNSPECIFIED,
	PMEMSET_SOURCE_PMEM2,
	PMEMSET_SOURCE_FILE,
	PMEMSET_SOURCE_TEMPORARY,
};

/*
 * A source outlives pmemset_source_delete() while parts mapped from it
 * exist: unmapping a part needs its SDS to record the unmapping. refs
 * counts the user handle plus one per mapped part (and per v1.11 struct
 * pmemset_part).
 */
struct pmemset_source {
	enum pmemset_source_type type;
	unsigned refs;

	/* what PMEMSET_EVENT_PART_ADD reports: the user's object if any */
	struct pmem2_source *user_pmem2;
	/* our own pmem2 source (dup'ed fd or anonymous), used to map */
	struct pmem2_source *pmem2;
	int fd; /* -1 for anonymous memory */
	bool can_grow; /* files we may extend to fit a part */

	struct pmemset_sds *sds;
	enum pmemset_part_state *state_ptr;
	unsigned sds_open_parts; /* parts mapped with the SDS, this process */

	bool badblock_detection;
};

void pmemset_source_get(struct pmemset_source *src);
void pmemset_source_put(struct pmemset_source *src);
int pmemset_source_validate(const struct pmemset_source *src);
int pmemset_source_size(const struct pmemset_source *src, size_t *size);
int pmemset_source_fit(struct pmemset_source *src, size_t needed);
bool pmemset_source_is_anon(const struct pmemset_source *src);
struct pmem2_source *pmemset_source_event_pmem2(struct pmemset_source *src);

#endif
