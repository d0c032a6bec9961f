/*
 * The libpmemset entry points, resolved at run time like libpmem2's, so
 * `--impl libpmemset=/path/libpmemset.so` tests another build. The header
 * is the project's own (native/libpmemset/include), which keeps PMDK's ABI.
 */
#ifndef PMEM_CONFORM_PMEMSET_API_H
#define PMEM_CONFORM_PMEMSET_API_H

#include <libpmemset.h>
#include <string>
#include <vector>

/* X(return type, name, parameter list) -- one line per function we bind */
// clang-format off
#define PMEMSET_API_FUNCS(X) \
	X(int, pmemset_config_new, (struct pmemset_config **)) \
	X(int, pmemset_config_delete, (struct pmemset_config **)) \
	X(void, pmemset_config_set_reservation, (struct pmemset_config *, struct pmem2_vm_reservation *)) \
	X(int, pmemset_config_set_acceptable_states, (struct pmemset_config *, uint64_t)) \
	X(void, pmemset_config_set_event_callback, (struct pmemset_config *, pmemset_event_callback *, void *)) \
	X(int, pmemset_config_set_required_store_granularity, (struct pmemset_config *, enum pmem2_granularity)) \
	X(int, pmemset_new, (struct pmemset **, struct pmemset_config *)) \
	X(int, pmemset_delete, (struct pmemset **)) \
	X(int, pmemset_get_store_granularity, (struct pmemset *, enum pmem2_granularity *)) \
	X(int, pmemset_set_contiguous_part_coalescing, (struct pmemset *, enum pmemset_coalescing)) \
	X(int, pmemset_source_from_pmem2, (struct pmemset_source **, struct pmem2_source *)) \
	X(int, pmemset_source_from_file, (struct pmemset_source **, const char *)) \
	X(int, pmemset_xsource_from_file, (struct pmemset_source **, const char *, uint64_t)) \
	X(int, pmemset_source_from_temporary, (struct pmemset_source **, const char *)) \
	X(int, pmemset_source_delete, (struct pmemset_source **)) \
	X(int, pmemset_source_alignment, (struct pmemset_source *, size_t *)) \
	X(int, pmemset_source_pread_mcsafe, (struct pmemset_source *, void *, size_t, size_t)) \
	X(int, pmemset_source_pwrite_mcsafe, (struct pmemset_source *, void *, size_t, size_t)) \
	X(int, pmemset_source_set_sds, (struct pmemset_source *, struct pmemset_sds *, enum pmemset_part_state *)) \
	X(void, pmemset_source_set_badblock_detection, (struct pmemset_source *, bool)) \
	X(int, pmemset_badblock_clear, (struct pmemset_badblock *, struct pmemset_source *)) \
	X(int, pmemset_map_config_new, (struct pmemset_map_config **)) \
	X(int, pmemset_map_config_delete, (struct pmemset_map_config **)) \
	X(int, pmemset_map_config_set_offset, (struct pmemset_map_config *, size_t)) \
	X(void, pmemset_map_config_set_length, (struct pmemset_map_config *, size_t)) \
	X(int, pmemset_map, (struct pmemset *, struct pmemset_source *, struct pmemset_map_config *, struct pmemset_part_descriptor *)) \
	X(struct pmemset_part_descriptor, pmemset_descriptor_part_map, (struct pmemset_part_map *)) \
	X(void, pmemset_first_part_map, (struct pmemset *, struct pmemset_part_map **)) \
	X(void, pmemset_next_part_map, (struct pmemset *, struct pmemset_part_map *, struct pmemset_part_map **)) \
	X(int, pmemset_part_map_by_address, (struct pmemset *, struct pmemset_part_map **, void *)) \
	X(void, pmemset_part_map_drop, (struct pmemset_part_map **)) \
	X(int, pmemset_remove_part_map, (struct pmemset *, struct pmemset_part_map **)) \
	X(int, pmemset_remove_range, (struct pmemset *, void *, size_t)) \
	X(int, pmemset_part_new, (struct pmemset_part **, struct pmemset *, struct pmemset_source *, size_t, size_t)) \
	X(int, pmemset_part_delete, (struct pmemset_part **)) \
	X(int, pmemset_part_map, (struct pmemset_part **, struct pmemset_extras *, struct pmemset_part_descriptor *)) \
	X(void *, pmemset_memmove, (struct pmemset *, void *, const void *, size_t, unsigned)) \
	X(void *, pmemset_memcpy, (struct pmemset *, void *, const void *, size_t, unsigned)) \
	X(void *, pmemset_memset, (struct pmemset *, void *, int, size_t, unsigned)) \
	X(int, pmemset_persist, (struct pmemset *, const void *, size_t)) \
	X(int, pmemset_flush, (struct pmemset *, const void *, size_t)) \
	X(int, pmemset_drain, (struct pmemset *)) \
	X(int, pmemset_deep_flush, (struct pmemset *, const void *, size_t)) \
	X(const char *, pmemset_errormsg, (void)) \
	X(int, pmemset_err_to_errno, (int))
// clang-format on

struct PmemsetApi {
#define PMEMSET_API_MEMBER(ret, name, params) ret(*name) params = nullptr;
	PMEMSET_API_FUNCS(PMEMSET_API_MEMBER)
#undef PMEMSET_API_MEMBER
	void *dl = nullptr;
	std::string path;
	/* the functions above the build does not export (bound to stand-ins) */
	std::vector<std::string> missing;
};

const PmemsetApi *pmemset_api();
bool pmemset_api_load(const std::string &path, std::string &err);

#endif
