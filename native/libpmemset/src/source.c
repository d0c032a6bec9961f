// SPDX-License-Identifier: BSD-3-Clause
/*
 * source.c -- struct pmemset_source: pmem2 sources, files, temporary files
 *
 * File sources are opened when the source is created, so that a wrong path
 * is reported by the call that named it. Every source keeps a pmem2 source
 * of its own (for pmem2 sources: over a dup'ed descriptor) so that parts
 * can be re-mapped after the user deleted whatever they handed us.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpmemset.h"
#include "pmemset_utils.h"
#include "source.h"

#define SOURCE_FILE_DEFAULT_MODE (S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH)
#define SOURCE_TMPFILE_MODE (S_IRUSR | S_IWUSR)

static struct pmemset_source *
source_alloc(enum pmemset_source_type type)
{
	struct pmemset_source *s = pmemset_zalloc(sizeof(*s));
	if (!s)
		return NULL;
	s->type = type;
	s->refs = 1;
	s->fd = -1;
	return s;
}

static void
source_free(struct pmemset_source *s)
{
	if (s->pmem2 && pmem2_source_delete(&s->pmem2))
		LOG(1, "pmem2_source_delete: %s", pmem2_errormsg());
	if (s->fd >= 0 && close(s->fd))
		LOG(1, "close(%d) failed", s->fd);
	free(s);
}

void
pmemset_source_get(struct pmemset_source *src)
{
	src->refs++;
}

void
pmemset_source_put(struct pmemset_source *src)
{
	if (src && --src->refs == 0)
		source_free(src);
}

int
pmemset_source_validate(const struct pmemset_source *src)
{
	if (!src) {
		ERR("NULL source");
		return PMEMSET_E_INVALID_SOURCE_TYPE;
	}
	switch (src->type) {
	case PMEMSET_SOURCE_PMEM2:
	case PMEMSET_SOURCE_FILE:
	case PMEMSET_SOURCE_TEMPORARY:
		break;
	default:
		ERR("unknown source type %d", (int)src->type);
		return PMEMSET_E_INVALID_SOURCE_TYPE;
	}
	if (!src->pmem2) {
		ERR("source has no underlying pmem2 source");
		return PMEMSET_E_INVALID_SOURCE_TYPE;
	}
	return 0;
}

bool
pmemset_source_is_anon(const struct pmemset_source *src)
{
	return src->fd < 0;
}

struct pmem2_source *
pmemset_source_event_pmem2(struct pmemset_source *src)
{
	return src->user_pmem2 ? src->user_pmem2 : src->pmem2;
}

int
pmemset_source_size(const struct pmemset_source *src, size_t *size)
{
	int ret = pmem2_source_size(src->pmem2, size);
	if (ret)
		ERR("cannot read the size of the source: %s", pmem2_errormsg());
	return ret;
}

/*
 * grow_file -- extends a regular file to the size a part needs. Blocks are
 * allocated (not a sparse truncate) so that running out of space is an
 * error here instead of a SIGBUS on first store; file systems without
 * fallocate() get a plain ftruncate().
 */
static int
grow_file(int fd, size_t cur, size_t needed)
{
	if (fallocate(fd, 0, (off_t)cur, (off_t)(needed - cur)) == 0)
		return 0;
	if (errno == EOPNOTSUPP || errno == ENOSYS) {
		if (ftruncate(fd, (off_t)needed) == 0)
			return 0;
	}
	ERR("!cannot grow the source file from %zu to %zu bytes", cur, needed);
	return PMEMSET_E_CANNOT_GROW_SOURCE_FILE;
}

/*
 * pmemset_source_fit -- makes sure the source is at least `needed` bytes
 * long, growing it when that is allowed.
 */
int
pmemset_source_fit(struct pmemset_source *src, size_t needed)
{
	size_t size;
	int ret = pmemset_source_size(src, &size);
	if (ret)
		return ret;
	if (size >= needed)
		return 0;

	if (!src->can_grow) {
		ERR("source of %zu bytes is too small for a part ending at %zu",
				size, needed);
		return PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL;
	}

	struct stat st;
	if (fstat(src->fd, &st)) {
		ERR("!fstat");
		return PMEMSET_E_CANNOT_GROW_SOURCE_FILE;
	}
	if (!S_ISREG(st.st_mode)) {
		ERR("source of %zu bytes is not a regular file and cannot grow",
				size);
		return PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL;
	}
	return grow_file(src->fd, size, needed);
}

/* source_attach_fd -- wraps an open descriptor in our own pmem2 source */
static int
source_attach_fd(struct pmemset_source *s, int fd)
{
	s->fd = fd;
	int ret = pmem2_source_from_fd(&s->pmem2, fd);
	if (ret) {
		ERR("pmem2_source_from_fd: %s", pmem2_errormsg());
		return ret;
	}
	return 0;
}

/* pmemset_source_from_pmem2 -- a source over the user's libpmem2 source */
PMEMSET_EXPORT int
pmemset_source_from_pmem2(struct pmemset_source **src,
		struct pmem2_source *pmem2_src)
{
	PMEMSET_ERR_CLR();

	if (!src) {
		ERR("NULL source pointer");
		return -EINVAL;
	}
	*src = NULL;
	if (!pmem2_src) {
		ERR("NULL pmem2 source");
		return PMEMSET_E_INVALID_PMEM2_SOURCE;
	}

	struct pmemset_source *s = source_alloc(PMEMSET_SOURCE_PMEM2);
	if (!s)
		return -ENOMEM;
	s->user_pmem2 = pmem2_src;

	int fd;
	int ret = pmem2_source_get_fd(pmem2_src, &fd);
	if (ret == 0) {
		int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (dfd < 0) {
			ret = -errno;
			ERR("!cannot duplicate the source's descriptor");
			goto err;
		}
		ret = source_attach_fd(s, dfd);
		if (ret) {
			ret = PMEMSET_E_INVALID_PMEM2_SOURCE;
			goto err;
		}
	} else {
		/* anonymous memory: fresh pages are all a re-map can give */
		size_t size;
		ret = pmem2_source_size(pmem2_src, &size);
		if (ret == 0)
			ret = pmem2_source_from_anon(&s->pmem2, size);
		if (ret) {
			ERR("invalid pmem2 source: %s", pmem2_errormsg());
			ret = PMEMSET_E_INVALID_PMEM2_SOURCE;
			goto err;
		}
	}

	*src = s;
	return 0;
err:
	source_free(s);
	return ret;
}

/* open_err -- a path that does not name a file is an invalid path */
static int
open_err(const char *path)
{
	int e = errno;
	ERR("!cannot open \"%s\"", path);
	if (e == ENOENT || e == ENOTDIR || e == EISDIR || e == ENAMETOOLONG)
		return PMEMSET_E_INVALID_SOURCE_PATH;
	return -e;
}

/* pmemset_xsource_from_file -- a source over a file opened as flags say */
PMEMSET_EXPORT int
pmemset_xsource_from_file(struct pmemset_source **src, const char *file,
		uint64_t flags)
{
	PMEMSET_ERR_CLR();

	if (!src) {
		ERR("NULL source pointer");
		return -EINVAL;
	}
	*src = NULL;
	if (!file) {
		ERR("NULL file path");
		return PMEMSET_E_INVALID_SOURCE_PATH;
	}
	if (flags & ~PMEMSET_SOURCE_FILE_CREATE_VALID_FLAGS) {
		ERR("invalid flags or mode 0x%llx", (unsigned long long)flags);
		return PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS;
	}

	mode_t mode = (mode_t)(flags >> 32);
	if (mode == 0)
		mode = SOURCE_FILE_DEFAULT_MODE;

	int oflags = O_RDWR | O_CLOEXEC;
	if (flags & PMEMSET_SOURCE_FILE_CREATE_ALWAYS)
		oflags |= O_CREAT | O_TRUNC;
	else if (flags & PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED)
		oflags |= O_CREAT;

	struct pmemset_source *s = source_alloc(PMEMSET_SOURCE_FILE);
	if (!s)
		return -ENOMEM;
	s->can_grow = !(flags & PMEMSET_SOURCE_FILE_DO_NOT_GROW);

	int fd = open(file, oflags, mode);
	if (fd < 0) {
		int ret = open_err(file);
		source_free(s);
		return ret;
	}

	int ret = source_attach_fd(s, fd);
	if (ret) {
		source_free(s);
		return ret;
	}

	*src = s;
	return 0;
}

/* pmemset_source_from_file -- a source over an existing file */
PMEMSET_EXPORT int
pmemset_source_from_file(struct pmemset_source **src, const char *file)
{
	PMEMSET_ERR_CLR();

	return pmemset_xsource_from_file(src, file, 0);
}

/*
 * open_tmpfile -- an unnamed file in dir: O_TMPFILE where the file system
 * supports it, otherwise mkstemp() followed by unlink().
 */
static int
open_tmpfile(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC,
			SOURCE_TMPFILE_MODE);
	if (fd >= 0)
		return fd;

	size_t len = strlen(dir) + sizeof("/pmemset.XXXXXX");
	char *templ = malloc(len);
	if (!templ)
		return -1;
	int n = snprintf(templ, len, "%s/pmemset.XXXXXX", dir);
	if (n < 0 || (size_t)n >= len) {
		free(templ);
		errno = ENAMETOOLONG;
		return -1;
	}

	fd = mkostemp(templ, O_CLOEXEC);
	if (fd >= 0 && unlink(templ)) {
		int e = errno;
		(void)close(fd);
		errno = e;
		fd = -1;
	}
	free(templ);
	return fd;
}

/* pmemset_source_from_temporary -- a source over a new unnamed file in dir */
PMEMSET_EXPORT int
pmemset_source_from_temporary(struct pmemset_source **src, const char *dir)
{
	PMEMSET_ERR_CLR();

	if (!src) {
		ERR("NULL source pointer");
		return -EINVAL;
	}
	*src = NULL;
	if (!dir) {
		ERR("NULL directory path");
		return PMEMSET_E_INVALID_SOURCE_PATH;
	}

	struct stat st;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		ERR("\"%s\" is not an existing directory", dir);
		return PMEMSET_E_INVALID_SOURCE_PATH;
	}

	struct pmemset_source *s = source_alloc(PMEMSET_SOURCE_TEMPORARY);
	if (!s)
		return -ENOMEM;
	s->can_grow = true;

	int fd = open_tmpfile(dir);
	if (fd < 0) {
		ERR("!cannot create a temporary file in \"%s\"", dir);
		source_free(s);
		return PMEMSET_E_CANNOT_CREATE_TEMP_FILE;
	}

	int ret = source_attach_fd(s, fd);
	if (ret) {
		source_free(s);
		return ret;
	}

	*src = s;
	return 0;
}

/* pmemset_source_delete -- drops the user's source, NULLs the pointer */
PMEMSET_EXPORT int
pmemset_source_delete(struct pmemset_source **src)
{
	PMEMSET_ERR_CLR();

	if (!src || !*src)
		return 0;
	pmemset_source_put(*src);
	*src = NULL;
	return 0;
}

/* pmemset_source_alignment -- the alignment parts of the source need */
PMEMSET_EXPORT int
pmemset_source_alignment(struct pmemset_source *src, size_t *alignment)
{
	PMEMSET_ERR_CLR();

	int ret = pmemset_source_validate(src);
	if (ret)
		return ret;
	if (!alignment) {
		ERR("NULL alignment pointer");
		return -EINVAL;
	}

	size_t a;
	if (pmem2_source_alignment(src->pmem2, &a)) {
		ERR("cannot read the alignment: %s", pmem2_errormsg());
		return PMEMSET_E_INVALID_ALIGNMENT_VALUE;
	}
	*alignment = a;
	return 0;
}

static int
mcsafe_err(int ret)
{
	ERR("%s", pmem2_errormsg());
	if (ret == PMEM2_E_IO_FAIL || ret == -EIO)
		return PMEMSET_E_IO_FAIL;
	if (ret == PMEM2_E_LENGTH_OUT_OF_RANGE)
		return PMEMSET_E_LENGTH_OUT_OF_RANGE;
	return ret;
}

/* mcsafe_check -- common argument checks of pread/pwrite */
static int
mcsafe_check(struct pmemset_source *src, void *buf, size_t size, size_t offset)
{
	int ret = pmemset_source_validate(src);
	if (ret)
		return ret;
	if (!buf && size) {
		ERR("NULL buffer");
		return -EINVAL;
	}

	size_t src_size;
	ret = pmemset_source_size(src, &src_size);
	if (ret)
		return ret;
	if (offset > src_size || size > src_size - offset) {
		ERR("range %zu+%zu goes beyond the source of %zu bytes", offset,
				size, src_size);
		return PMEMSET_E_LENGTH_OUT_OF_RANGE;
	}
	return 0;
}

/* pmemset_source_pread_mcsafe -- reads, a bad block being an error */
PMEMSET_EXPORT int
pmemset_source_pread_mcsafe(struct pmemset_source *src, void *buf, size_t size,
		size_t offset)
{
	PMEMSET_ERR_CLR();

	int ret = mcsafe_check(src, buf, size, offset);
	if (ret || size == 0)
		return ret;
	ret = pmem2_source_pread_mcsafe(src->pmem2, buf, size, offset);
	return ret ? mcsafe_err(ret) : 0;
}

/* pmemset_source_pwrite_mcsafe -- writes, a bad block being an error */
PMEMSET_EXPORT int
pmemset_source_pwrite_mcsafe(struct pmemset_source *src, void *buf, size_t size,
		size_t offset)
{
	PMEMSET_ERR_CLR();

	int ret = mcsafe_check(src, buf, size, offset);
	if (ret || size == 0)
		return ret;
	ret = pmem2_source_pwrite_mcsafe(src->pmem2, buf, size, offset);
	return ret ? mcsafe_err(ret) : 0;
}

/* pmemset_source_set_sds -- parts of the source keep a shutdown state */
PMEMSET_EXPORT int
pmemset_source_set_sds(struct pmemset_source *src, struct pmemset_sds *sds,
		enum pmemset_part_state *state_ptr)
{
	PMEMSET_ERR_CLR();

	int ret = pmemset_source_validate(src);
	if (ret)
		return ret;
	if (!sds) {
		ERR("NULL SDS");
		return -EINVAL;
	}
	if (src->sds) {
		ERR("SDS is already set in the source");
		return PMEMSET_E_SDS_ALREADY_SET;
	}
	src->sds = sds;
	src->state_ptr = state_ptr;
	return 0;
}

/* pmemset_source_set_badblock_detection -- bad blocks checked at map time */
PMEMSET_EXPORT void
pmemset_source_set_badblock_detection(struct pmemset_source *src, bool value)
{
	PMEMSET_ERR_CLR();

	if (pmemset_source_validate(src))
		return;
	src->badblock_detection = value;
}
