/* SPDX-License-Identifier: BSD-3-Clause */
/* badblock.h -- bad block detection done while mapping */

#ifndef PMEMSET_BADBLOCK_H
#define PMEMSET_BADBLOCK_H 1

struct pmemset;
struct pmemset_source;

int pmemset_badblock_detect(struct pmemset *set, struct pmemset_source *src);
int pmemset_badblock_err_from_pmem2(int ret);

#endif
