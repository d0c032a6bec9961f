/*
 * The map/unmap cycle of `npm run bench` in plain C: the same libpmem2 calls
 * the binding makes from JS per case (runner/bench.ts), in a loop for a fixed
 * time. Built by runner/bench.ts into build/bench/map_loop:
 *
 *   map_loop FILE DURATION_MS [WARMUP_MS]
 *
 * FILE (on tmpfs) is opened once; each cycle is pmem2_config_new,
 * pmem2_config_set_required_store_granularity(PAGE), pmem2_source_from_fd,
 * pmem2_map_new, pmem2_map_delete, pmem2_source_delete, pmem2_config_delete.
 * Prints one JSON object: {"cycles", "seconds", "cpuSeconds", "rate",
 * "warmupCycles"}; cpuSeconds is the process's CPU time over the timed
 * cycles (what the loop cost, whatever else the machine was running).
 */
#include <errno.h>
#include <fcntl.h>
#include <libpmem2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
clock_seconds(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0) {
		perror("clock_gettime");
		exit(2);
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

static void
fail(const char *call, int ret)
{
	const char *m = pmem2_errormsg();
	printf("{\"error\": \"%s returned %d\", \"message\": \"", call, ret);
	for (const char *p = m ? m : ""; *p; p++)
		if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
			putchar(*p);
	printf("\"}\n");
	exit(1);
}

#define CHECK(call, expr) \
	do { \
		int r_ = (expr); \
		if (r_ != 0) \
			fail(call, r_); \
	} while (0)

static void
cycle(int fd)
{
	struct pmem2_config *cfg = NULL;
	struct pmem2_source *src = NULL;
	struct pmem2_map *map = NULL;
	CHECK("pmem2_config_new", pmem2_config_new(&cfg));
	CHECK("pmem2_config_set_required_store_granularity",
			pmem2_config_set_required_store_granularity(cfg,
					PMEM2_GRANULARITY_PAGE));
	CHECK("pmem2_source_from_fd", pmem2_source_from_fd(&src, fd));
	CHECK("pmem2_map_new", pmem2_map_new(&map, cfg, src));
	CHECK("pmem2_map_delete", pmem2_map_delete(&map));
	CHECK("pmem2_source_delete", pmem2_source_delete(&src));
	CHECK("pmem2_config_delete", pmem2_config_delete(&cfg));
}

/* cycles until `seconds` have passed; the elapsed time in *elapsed */
static unsigned long
run(int fd, double seconds, double *elapsed)
{
	unsigned long n = 0;
	double start = now(), t = start;
	while (t - start < seconds) {
		cycle(fd);
		n++;
		t = now();
	}
	*elapsed = t - start;
	return n;
}

int
main(int argc, char *argv[])
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s FILE DURATION_MS [WARMUP_MS]\n",
				argv[0]);
		return 2;
	}
	double duration = atof(argv[2]) / 1000.0;
	double warmup = argc == 4 ? atof(argv[3]) / 1000.0 : 0.0;
	if (duration <= 0 || warmup < 0) {
		fprintf(stderr, "%s: durations must be positive\n", argv[0]);
		return 2;
	}
	int fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "%s: open %s: %s\n", argv[0], argv[1],
				strerror(errno));
		return 2;
	}
	double wsec = 0, sec = 0;
	unsigned long wn = warmup > 0 ? run(fd, warmup, &wsec) : 0;
	double cpu0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
	unsigned long n = run(fd, duration, &sec);
	double cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	if (close(fd) != 0) {
		perror("close");
		return 2;
	}
	printf("{\"cycles\": %lu, \"seconds\": %.6f, \"cpuSeconds\": %.6f, \"rate\": %.1f, \"warmupCycles\": %lu}\n",
			n, sec, cpu, (double)n / sec, wn);
	return 0;
}
