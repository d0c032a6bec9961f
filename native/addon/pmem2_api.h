/*
 * The libpmem2 entry points the addon calls, resolved at run time with
 * dlopen/dlsym so that `--impl libpmem2=/path/libpmem2.so.1` can test another
 * build without rebuilding the addon. Only the header is needed at build time.
 */
#ifndef PMEM_CONFORM_PMEM2_API_H
#define PMEM_CONFORM_PMEM2_API_H

#include <libpmem2.h>
#include <string>
#include <vector>

/* X(return type, name, parameter list) -- one line per function we bind */
// clang-format off
#define PMEM2_API_FUNCS(X) \
	X(int, pmem2_source_from_fd, (struct pmem2_source **, int)) \
	X(int, pmem2_source_from_anon, (struct pmem2_source **, size_t)) \
	X(int, pmem2_source_get_fd, (const struct pmem2_source *, int *)) \
	X(int, pmem2_source_size, (const struct pmem2_source *, size_t *)) \
	X(int, pmem2_source_alignment, (const struct pmem2_source *, size_t *)) \
	X(int, pmem2_source_delete, (struct pmem2_source **)) \
	X(int, pmem2_source_device_id, (const struct pmem2_source *, char *, size_t *)) \
	X(int, pmem2_source_device_usc, (const struct pmem2_source *, uint64_t *)) \
	X(int, pmem2_config_new, (struct pmem2_config **)) \
	X(int, pmem2_config_delete, (struct pmem2_config **)) \
	X(int, pmem2_config_set_required_store_granularity, (struct pmem2_config *, enum pmem2_granularity)) \
	X(int, pmem2_config_set_offset, (struct pmem2_config *, size_t)) \
	X(int, pmem2_config_set_length, (struct pmem2_config *, size_t)) \
	X(int, pmem2_config_set_sharing, (struct pmem2_config *, enum pmem2_sharing_type)) \
	X(int, pmem2_config_set_protection, (struct pmem2_config *, unsigned)) \
	X(int, pmem2_config_set_vm_reservation, (struct pmem2_config *, struct pmem2_vm_reservation *, size_t)) \
	X(int, pmem2_map_new, (struct pmem2_map **, const struct pmem2_config *, const struct pmem2_source *)) \
	X(int, pmem2_map_delete, (struct pmem2_map **)) \
	X(void *, pmem2_map_get_address, (struct pmem2_map *)) \
	X(size_t, pmem2_map_get_size, (struct pmem2_map *)) \
	X(enum pmem2_granularity, pmem2_map_get_store_granularity, (struct pmem2_map *)) \
	X(pmem2_persist_fn, pmem2_get_persist_fn, (struct pmem2_map *)) \
	X(pmem2_flush_fn, pmem2_get_flush_fn, (struct pmem2_map *)) \
	X(pmem2_drain_fn, pmem2_get_drain_fn, (struct pmem2_map *)) \
	X(pmem2_memmove_fn, pmem2_get_memmove_fn, (struct pmem2_map *)) \
	X(pmem2_memcpy_fn, pmem2_get_memcpy_fn, (struct pmem2_map *)) \
	X(pmem2_memset_fn, pmem2_get_memset_fn, (struct pmem2_map *)) \
	X(int, pmem2_deep_flush, (struct pmem2_map *, void *, size_t)) \
	X(int, pmem2_vm_reservation_new, (struct pmem2_vm_reservation **, void *, size_t)) \
	X(int, pmem2_vm_reservation_delete, (struct pmem2_vm_reservation **)) \
	X(int, pmem2_vm_reservation_extend, (struct pmem2_vm_reservation *, size_t)) \
	X(int, pmem2_vm_reservation_shrink, (struct pmem2_vm_reservation *, size_t, size_t)) \
	X(void *, pmem2_vm_reservation_get_address, (struct pmem2_vm_reservation *)) \
	X(size_t, pmem2_vm_reservation_get_size, (struct pmem2_vm_reservation *)) \
	X(int, pmem2_vm_reservation_map_find, (struct pmem2_vm_reservation *, size_t, size_t, struct pmem2_map **)) \
	X(int, pmem2_vm_reservation_map_find_prev, (struct pmem2_vm_reservation *, struct pmem2_map *, struct pmem2_map **)) \
	X(int, pmem2_vm_reservation_map_find_next, (struct pmem2_vm_reservation *, struct pmem2_map *, struct pmem2_map **)) \
	X(int, pmem2_vm_reservation_map_find_first, (struct pmem2_vm_reservation *, struct pmem2_map **)) \
	X(int, pmem2_vm_reservation_map_find_last, (struct pmem2_vm_reservation *, struct pmem2_map **)) \
	X(const char *, pmem2_errormsg, (void)) \
	X(void, pmem2_perror, (const char *, ...))
// clang-format on

struct Pmem2Api {
#define PMEM2_API_MEMBER(ret, name, params) ret(*name) params = nullptr;
	PMEM2_API_FUNCS(PMEM2_API_MEMBER)
#undef PMEM2_API_MEMBER
	/*
	 * Declared by the header but not exported by Debian's 1.12.1 build:
	 * resolved if present, nullptr otherwise.
	 */
	int (*pmem2_err_to_errno)(int) = nullptr;
	void *dl = nullptr;
	std::string path;
	/* the functions above the build does not export (bound to stand-ins) */
	std::vector<std::string> missing;
};

/* the loaded library; nullptr until pmem2_api_load() succeeded */
const Pmem2Api *pmem2_api();

/*
 * Loads the library at `path` (a soname or a file path). On failure returns
 * false and leaves a one-line reason in `err`; the previous library, if any,
 * stays loaded.
 */
bool pmem2_api_load(const std::string &path, std::string &err);

#endif
