// SPDX-License-Identifier: BSD-3-Clause
/*
 * pmc-durable: the guest side of the durability campaign
 * (runner/engine/durability).
 *
 *   pmc-durable write  VARIANT FILE SIZE SEED [PACE_US]
 *   pmc-durable verify FILE SIZE SEED UPTO
 *
 * write: creates FILE fresh and sparse (ftruncate to SIZE), maps it, and
 * writes records 0, 1, 2, ... until the chunk list runs out (then sleeps:
 * the host cuts the power). Between records it sleeps a seeded random
 * 0..2*PACE_US microseconds (default 0), so that a run lasts long enough
 * for a cut to land in the middle of it (the host cuts after a drawn
 * acknowledgement, so it leaves PACE_US at 0). After record N is persisted
 * by the variant's persist path it prints "PMCD ack N" ("PMCD@TAG ack N"
 * with PMC_TAG set: two writers share the console) with one write(2) to
 * stdout (the serial console): the host never sees an ack before persist
 * returned.
 *
 * The layout is a function of SEED alone: the file is cut into CHUNK-byte
 * chunks, record i goes to chunk perm[i] (a seeded shuffle), at a random
 * byte offset inside it, with a random length (header + 16..CHUNK-offset-
 * header bytes). Every record lands on pages not touched before (new
 * blocks allocated on fault in a sparse file), unaligned and often
 * crossing a page boundary.
 *
 * A record: header {magic, id, len, seed32, checksum(FNV-1a 64 of the
 * payload)} then payload bytes from a PRNG of (SEED, id).
 *
 * Variants:
 *   mapsync      libpmem2, CACHE_LINE required (fsdax: MAP_SYNC), map's
 *                memcpy (NOFLUSH) + map's persist fn
 *   msync        libpmem2, PAGE granularity on a non-DAX file (BTT ext4):
 *                map's memcpy (NOFLUSH) + persist fn (= msync)
 *   pagecache    control: the same PAGE mapping, memcpy (NOFLUSH) + only a
 *                CPU flush (clflush each line, sfence), no msync
 *   nomapsync    control: DAX file mmap'ed MAP_SHARED without MAP_SYNC
 *                (libpmem2 always asks for MAP_SYNC, so this is a plain
 *                mmap), memcpy + CPU flush, no fsync
 *   pmemset      libpmemset, required granularity CACHE_LINE,
 *                pmemset_memcpy (NOFLUSH) + pmemset_persist
 *   pmemset-msync libpmemset, PAGE granularity (non-DAX file) +
 *                pmemset_persist
 *
 * verify: reads FILE with pread (no mapping), checks records 0..UPTO and
 * prints one line per record: "PMCV <id> ok|missing|corrupt <detail>",
 * then "PMCV end <ok count>".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <emmintrin.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <link.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libpmem2.h>
#include <libpmemset.h>

/*
 * The libraries are opened at run time, not linked: by the paths in
 * PMC_LIBPMEM2 and PMC_LIBPMEMSET when the guest script sets them (the
 * builds --impl named, copied into the results share), else by soname. A
 * path, not LD_LIBRARY_PATH, so that a build which itself links the real
 * libpmem2.so.1 (a shim overriding one function) resolves that dependency
 * to the real library instead of to itself; and a build without Debian's
 * symbol versions (one made from PMDK's source) loads too. libpmem2 is
 * opened first and global, so a libpmemset build's own libpmem2.so.1
 * dependency resolves to the same copy. libpmemset is opened only by its
 * variants.
 */
#define PMEM2_FNS(X) \
	X(pmem2_config_new) \
	X(pmem2_config_set_required_store_granularity) \
	X(pmem2_errormsg) \
	X(pmem2_map_get_address) \
	X(pmem2_map_get_store_granularity) \
	X(pmem2_map_new) \
	X(pmem2_source_from_fd) \
	X(pmem2_get_memcpy_fn) \
	X(pmem2_get_persist_fn)

#define PMEMSET_FNS(X) \
	X(pmemset_config_new) \
	X(pmemset_config_set_required_store_granularity) \
	X(pmemset_errormsg) \
	X(pmemset_get_store_granularity) \
	X(pmemset_map) \
	X(pmemset_memcpy) \
	X(pmemset_new) \
	X(pmemset_persist) \
	X(pmemset_source_from_file)

#define PMC_DECLARE(f) static __typeof__(&f) p_##f;
PMEM2_FNS(PMC_DECLARE)
PMEMSET_FNS(PMC_DECLARE)

/* the files dlopen opened (the builds under test), for the host's record */
static const char *pmem2_file = "not-loaded";
static const char *pmemset_file = "not-loaded";

static void die(const char *what, const char *why) __attribute__((noreturn));

/* opened_file -- the path of the object a dlopen handle names */
static const char *
opened_file(void *h)
{
	struct link_map *lm;
	if (dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || lm == NULL ||
			lm->l_name == NULL || *lm->l_name == '\0')
		return "unknown";
	return lm->l_name;
}

/* load_libraries -- opens libpmem2 (and libpmemset when asked) and resolves every function used */
static void
load_libraries(int with_pmemset)
{
	const char *pmem2 = getenv("PMC_LIBPMEM2");
	const char *pmemset = getenv("PMC_LIBPMEMSET");
	if (pmem2 == NULL || *pmem2 == '\0')
		pmem2 = "libpmem2.so.1";
	if (pmemset == NULL || *pmemset == '\0')
		pmemset = "libpmemset.so.1";
	void *h = dlopen(pmem2, RTLD_NOW | RTLD_GLOBAL);
	if (h == NULL)
		die("dlopen libpmem2", dlerror());
	pmem2_file = opened_file(h);
#define PMC_RESOLVE(f) \
	if ((p_##f = (__typeof__(p_##f))dlsym(h, #f)) == NULL) \
		die("dlsym", #f);
	PMEM2_FNS(PMC_RESOLVE)
	if (!with_pmemset)
		return;
	h = dlopen(pmemset, RTLD_NOW | RTLD_GLOBAL);
	if (h == NULL)
		die("dlopen libpmemset", dlerror());
	pmemset_file = opened_file(h);
	PMEMSET_FNS(PMC_RESOLVE)
#undef PMC_RESOLVE
}

#define CHUNK 16384u
#define HDR 32u
#define MAGIC 0x50434d4444524543ull /* "CERDDMCP" */
#define MIN_PAYLOAD 16u

struct hdr {
	uint64_t magic;
	uint64_t id;
	uint32_t len; /* payload bytes */
	uint32_t seed32;
	uint64_t sum;
};

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t
fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

struct layout {
	size_t n;
	uint32_t *chunk;
	uint32_t *off; /* inside the chunk */
	uint32_t *len; /* payload */
};

static void
make_layout(struct layout *l, size_t size, uint64_t seed)
{
	size_t n = size / CHUNK;
	uint64_t s = seed ^ 0x6c61796f75740000ull;
	l->n = n;
	l->chunk = malloc(n * sizeof(*l->chunk));
	l->off = malloc(n * sizeof(*l->off));
	l->len = malloc(n * sizeof(*l->len));
	if (!l->chunk || !l->off || !l->len) {
		perror("malloc");
		exit(3);
	}
	for (size_t i = 0; i < n; i++)
		l->chunk[i] = (uint32_t)i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = splitmix(&s) % (i + 1);
		uint32_t t = l->chunk[i];
		l->chunk[i] = l->chunk[j];
		l->chunk[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		/* offset 0..CHUNK/2, any byte; length up to the chunk's end */
		uint32_t off = (uint32_t)(splitmix(&s) % (CHUNK / 2));
		uint32_t room = CHUNK - off - HDR;
		/* mostly small records, sometimes large ones */
		uint32_t cap = (splitmix(&s) % 4 == 0) ?
				room :
				(room < 512 ? room : 512);
		uint32_t len = MIN_PAYLOAD +
				(uint32_t)(splitmix(&s) %
						(cap - MIN_PAYLOAD + 1));
		l->off[i] = off;
		l->len[i] = len;
	}
}

static void
make_record(unsigned char *buf, uint64_t seed, uint64_t id, uint32_t len)
{
	uint64_t s = seed * 31 + id * 0x2545f4914f6cdd1dull;
	unsigned char *p = buf + HDR;
	for (uint32_t i = 0; i < len; i += 8) {
		uint64_t v = splitmix(&s);
		memcpy(p + i, &v, len - i < 8 ? len - i : 8);
	}
	struct hdr h = {MAGIC, id, len, (uint32_t)seed, fnv(p, len)};
	memcpy(buf, &h, sizeof(h));
}

static void
cpu_flush(const void *addr, size_t len)
{
	uintptr_t p = (uintptr_t)addr & ~(uintptr_t)63;
	for (; p < (uintptr_t)addr + len; p += 64)
		_mm_clflush((const void *)p);
	_mm_sfence();
}

/*
 * library_of -- the file a function was loaded from: the build under test,
 * as LD_LIBRARY_PATH (set by the guest script) made the linker choose it
 */
static const char *
library_of(void *fn)
{
	Dl_info info;
	if (fn == NULL)
		return "not-loaded";
	if (dladdr(fn, &info) == 0 || info.dli_fname == NULL)
		return "unknown";
	return info.dli_fname;
}

/*
 * the marker that starts every line the host reads: "PMCD", or "PMCD@TAG"
 * when PMC_TAG is set (two writers of one boot share the console)
 */
static char marker[32] = "PMCD";

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
say(const char *fmt, ...)
{
	char line[256];
	int m = snprintf(line, sizeof(line), "%s ", marker);
	if (m < 0 || (size_t)m >= sizeof(line))
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line + m, sizeof(line) - (size_t)m, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n += m;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	/* one write(2), unbuffered: the line leaves the process now */
	ssize_t w = write(1, line, (size_t)n);
	(void)w;
}

static void
die(const char *what, const char *msg)
{
	say("fail %s: %s\n", what, msg);
	exit(3);
}

static int
write_trial(const char *variant, const char *file, size_t size, uint64_t seed,
		unsigned pace_us)
{
	load_libraries(!strncmp(variant, "pmemset", 7));
	uint64_t pace_state = seed ^ 0x7061636500000000ull;
	struct layout l;
	make_layout(&l, size, seed);
	unlink(file);
	int fd = open(file, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		die("open", strerror(errno));
	if (ftruncate(fd, (off_t)size))
		die("ftruncate", strerror(errno));
	/* the file's existence and size are made durable before the trial:
	 * what is under test is the data and the blocks allocated on fault */
	if (fsync(fd))
		die("fsync", strerror(errno));

	unsigned char *base = NULL;
	pmem2_memcpy_fn memcpy_fn = NULL;
	pmem2_persist_fn persist_fn = NULL;
	struct pmemset *set = NULL;
	int mode; /* 0 libpmem2 persist, 1 CPU flush only, 2 libpmemset */
	const char *gran = "?";

	if (!strcmp(variant, "mapsync") || !strcmp(variant, "msync") ||
			!strcmp(variant, "pagecache")) {
		enum pmem2_granularity want = !strcmp(variant, "mapsync") ?
				PMEM2_GRANULARITY_CACHE_LINE :
				PMEM2_GRANULARITY_PAGE;
		struct pmem2_config *cfg;
		struct pmem2_source *src;
		struct pmem2_map *map;
		if (p_pmem2_config_new(&cfg) ||
				p_pmem2_config_set_required_store_granularity(
						cfg, want))
			die("pmem2_config", p_pmem2_errormsg());
		if (p_pmem2_source_from_fd(&src, fd))
			die("pmem2_source_from_fd", p_pmem2_errormsg());
		if (p_pmem2_map_new(&map, cfg, src))
			die("pmem2_map_new", p_pmem2_errormsg());
		enum pmem2_granularity g =
				p_pmem2_map_get_store_granularity(map);
		gran = g == PMEM2_GRANULARITY_BYTE ? "BYTE" :
				g == PMEM2_GRANULARITY_CACHE_LINE ?
						     "CACHE_LINE" :
						     "PAGE";
		if (strcmp(variant, "mapsync") && g != PMEM2_GRANULARITY_PAGE)
			die("granularity",
					"expected a PAGE-granularity (non-DAX) mapping");
		base = p_pmem2_map_get_address(map);
		memcpy_fn = p_pmem2_get_memcpy_fn(map);
		persist_fn = p_pmem2_get_persist_fn(map);
		mode = !strcmp(variant, "pagecache") ? 1 : 0;
	} else if (!strcmp(variant, "nomapsync")) {
		/* MAP_SHARED, no MAP_SYNC: the page tables may point at blocks
		 * whose allocation is not yet committed */
		base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
				0);
		if (base == MAP_FAILED)
			die("mmap", strerror(errno));
		gran = "none (mmap MAP_SHARED)";
		mode = 1;
	} else if (!strcmp(variant, "pmemset") ||
			!strcmp(variant, "pmemset-msync")) {
		enum pmem2_granularity want = !strcmp(variant, "pmemset") ?
				PMEM2_GRANULARITY_CACHE_LINE :
				PMEM2_GRANULARITY_PAGE;
		struct pmemset_config *cfg;
		struct pmemset_source *src;
		struct pmemset_part_descriptor desc;
		if (p_pmemset_config_new(&cfg) ||
				p_pmemset_config_set_required_store_granularity(
						cfg, want))
			die("pmemset_config", p_pmemset_errormsg());
		if (p_pmemset_new(&set, cfg))
			die("pmemset_new", p_pmemset_errormsg());
		if (p_pmemset_source_from_file(&src, file))
			die("pmemset_source_from_file", p_pmemset_errormsg());
		if (p_pmemset_map(set, src, NULL, &desc))
			die("pmemset_map", p_pmemset_errormsg());
		if (desc.size < size)
			die("pmemset_map", "part shorter than the file");
		enum pmem2_granularity g;
		if (p_pmemset_get_store_granularity(set, &g))
			die("pmemset_get_store_granularity",
					p_pmemset_errormsg());
		gran = g == PMEM2_GRANULARITY_BYTE ? "BYTE" :
				g == PMEM2_GRANULARITY_CACHE_LINE ?
						     "CACHE_LINE" :
						     "PAGE";
		base = desc.addr;
		mode = 2;
	} else {
		die("variant", variant);
		return 3;
	}

	/* which builds the dynamic linker gave us: the host records them with the trial */
	/* the files opened, and where the persist path came from (a shim overrides single functions) */
	say("lib pmem2=%s pmemset=%s persist=%s\n", pmem2_file, pmemset_file,
			mode == 2 ? library_of((void *)p_pmemset_persist) :
				    library_of((void *)p_pmem2_get_persist_fn));
	say("start variant=%s granularity=%s records=%zu\n", variant, gran,
			l.n);
	unsigned char *buf = malloc(CHUNK);
	if (!buf)
		die("malloc", "buffer");
	for (size_t i = 0; i < l.n; i++) {
		unsigned char *dst =
				base + (size_t)l.chunk[i] * CHUNK + l.off[i];
		size_t n = HDR + l.len[i];
		make_record(buf, seed, i, l.len[i]);
		switch (mode) {
		case 0:
			memcpy_fn(dst, buf, n, PMEM2_F_MEM_NOFLUSH);
			persist_fn(dst, n);
			break;
		case 1:
			if (memcpy_fn)
				memcpy_fn(dst, buf, n, PMEM2_F_MEM_NOFLUSH);
			else
				memcpy(dst, buf, n);
			cpu_flush(dst, n);
			break;
		case 2:
			p_pmemset_memcpy(set, dst, buf, n,
					PMEMSET_F_MEM_NOFLUSH);
			if (p_pmemset_persist(set, dst, n))
				die("pmemset_persist", p_pmemset_errormsg());
			break;
		}
		say("ack %zu\n", i);
		if (pace_us) {
			uint64_t us = splitmix(&pace_state) %
					(2 * (uint64_t)pace_us + 1);
			struct timespec ts = {(time_t)(us / 1000000),
					(long)(us % 1000000) * 1000};
			nanosleep(&ts, NULL);
		}
	}
	say("full %zu\n", l.n);
	for (;;)
		pause();
}

static int
verify(const char *file, size_t size, uint64_t seed, long upto)
{
	struct layout l;
	make_layout(&l, size, seed);
	int fd = open(file, O_RDONLY);
	if (fd < 0) {
		printf("PMCV nofile %s\n", strerror(errno));
		return 4;
	}
	struct stat st;
	fstat(fd, &st);
	printf("PMCV file size=%lld blocks=%lld\n", (long long)st.st_size,
			(long long)st.st_blocks);
	unsigned char *want = malloc(CHUNK), *got = malloc(CHUNK);
	long ok = 0;
	for (long i = 0; i <= upto && (size_t)i < l.n; i++) {
		size_t n = HDR + l.len[i];
		off_t at = (off_t)l.chunk[i] * CHUNK + l.off[i];
		make_record(want, seed, (uint64_t)i, l.len[i]);
		ssize_t r = pread(fd, got, n, at);
		if (r != (ssize_t)n) {
			printf("PMCV %ld missing short-read %zd\n", i, r);
			continue;
		}
		if (!memcmp(want, got, n)) {
			printf("PMCV %ld ok\n", i);
			ok++;
			continue;
		}
		struct hdr h;
		memcpy(&h, got, sizeof(h));
		size_t zero = 0;
		for (size_t k = 0; k < n; k++)
			zero += got[k] == 0;
		if (zero == n)
			printf("PMCV %ld missing zeroes\n", i);
		else if (h.magic != MAGIC || h.id != (uint64_t)i)
			printf("PMCV %ld corrupt header\n", i);
		else if (h.len != l.len[i] || h.sum != fnv(got + HDR, l.len[i]))
			printf("PMCV %ld corrupt checksum\n", i);
		else
			printf("PMCV %ld corrupt payload\n", i);
	}
	printf("PMCV end %ld\n", ok);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *tag = getenv("PMC_TAG");
	if (tag != NULL && *tag != '\0' &&
			snprintf(marker, sizeof(marker), "PMCD@%s", tag) >=
					(int)sizeof(marker))
		die("PMC_TAG", "too long");
	if ((argc == 6 || argc == 7) && !strcmp(argv[1], "write"))
		return write_trial(argv[2], argv[3], strtoull(argv[4], NULL, 0),
				strtoull(argv[5], NULL, 0),
				argc == 7 ? (unsigned)strtoul(argv[6], NULL,
							    0) :
					    0);
	if (argc == 6 && !strcmp(argv[1], "verify"))
		return verify(argv[2], strtoull(argv[3], NULL, 0),
				strtoull(argv[4], NULL, 0),
				strtol(argv[5], NULL, 0));
	fprintf(stderr, "usage: %s write VARIANT FILE SIZE SEED [PACE_US] | verify FILE SIZE SEED UPTO\n",
			argv[0]);
	return 2;
}
