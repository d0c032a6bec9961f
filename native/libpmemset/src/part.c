// SPDX-License-Identifier: BSD-3-Clause
/*
 * part.c -- the older part API (pmemset_part_new + pmemset_part_map of the
 * v1.11 pages): a part only remembers (set, source, offset, length) until
 * it is mapped by the same core as pmemset_map().
 */

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "libpmemset.h"
#include "map.h"
#include "pmemset_utils.h"
#include "source.h"

struct pmemset_part {
	struct pmemset *set;
	struct pmemset_source *src; /* holds a reference */
	size_t offset;
	size_t length;
};

/* pmemset_part_new -- an unmapped part of the v1.11 API */
PMEMSET_EXPORT int
pmemset_part_new(struct pmemset_part **part, struct pmemset *set,
		struct pmemset_source *src, size_t offset, size_t length)
{
	PMEMSET_ERR_CLR();

	if (!part) {
		ERR("NULL part pointer");
		return -EINVAL;
	}
	*part = NULL;
	if (!set) {
		ERR("NULL set");
		return -EINVAL;
	}
	if (src && src->type == PMEMSET_SOURCE_PMEM2 && !src->pmem2) {
		ERR("invalid pmem2 source");
		return PMEMSET_E_INVALID_PMEM2_SOURCE;
	}
	int ret = pmemset_source_validate(src);
	if (ret)
		return ret;

	/* the page promises stat(2) errors for a file that went bad */
	if (src->fd >= 0) {
		struct stat st;
		if (fstat(src->fd, &st)) {
			ERR("!fstat");
			return -errno;
		}
	}

	struct pmemset_part *p = pmemset_zalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->set = set;
	p->src = src;
	p->offset = offset;
	p->length = length;
	pmemset_source_get(src);

	*part = p;
	return 0;
}

/* pmemset_part_delete -- frees an unmapped part, NULLs the pointer */
PMEMSET_EXPORT int
pmemset_part_delete(struct pmemset_part **part)
{
	PMEMSET_ERR_CLR();

	if (!part || !*part)
		return 0;
	pmemset_source_put((*part)->src);
	free(*part);
	*part = NULL;
	return 0;
}

/*
 * pmemset_part_map -- maps the part and, on success only, consumes it.
 * The extras argument of the v1.11 API is accepted and ignored.
 */
PMEMSET_EXPORT int
pmemset_part_map(struct pmemset_part **part_ptr, struct pmemset_extras *extra,
		struct pmemset_part_descriptor *desc)
{
	PMEMSET_ERR_CLR();

	(void)extra;
	if (!part_ptr || !*part_ptr) {
		ERR("NULL part");
		return -EINVAL;
	}

	struct pmemset_part *p = *part_ptr;
	int ret = pmemset_map_core(p->set, p->src, p->offset, p->length, desc);
	if (ret)
		return ret;

	return pmemset_part_delete(part_ptr);
}
