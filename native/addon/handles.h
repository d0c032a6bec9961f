/*
 * JS handles for libpmem2 objects.
 *
 * A handle is a plain JS object carrying a type tag and a native record. The
 * tag lets every entry point reject a foreign object (a handle of another
 * kind, or any object made in JS) with a TypeError instead of reading a
 * wrong pointer; the record's `alive` flag turns use-after-delete into a JS
 * Error instead of a crash of node.
 */
#ifndef PMEM_CONFORM_HANDLES_H
#define PMEM_CONFORM_HANDLES_H

#include <napi.h>
#include <cstdint>
#include <vector>

enum HandleKind {
	HK_SOURCE,
	HK_CONFIG,
	HK_MAP,
	HK_RESERVATION,
	HK_SET_CONFIG,
	HK_SET,
	HK_SET_SOURCE,
	HK_SET_MAP_CONFIG,
	HK_SET_PART_MAP,
	HK_SET_PART,
	HK_SET_SDS,
	HK_COUNT
};

struct HandleRecord {
	HandleKind kind;
	void *ptr;
	bool alive;
	uint32_t id;
	/*
	 * What the addon knows of the mapping's protection, so that a read or
	 * write it would fault on is refused in JS (faults belong in a child).
	 */
	unsigned prot;
};

/* wraps ptr in a new tagged JS object */
Napi::Object handle_new(Napi::Env env, HandleKind kind, void *ptr,
	unsigned prot = 0);

/* the live record behind `v`; throws TypeError / Error otherwise */
HandleRecord *handle_get(const Napi::Value &v, HandleKind kind);

/* like handle_get, but also accepts null/undefined (returns nullptr) */
HandleRecord *handle_get_optional(const Napi::Value &v, HandleKind kind);

/* the id of the live map handle whose pointer is `map`, or 0 */
uint32_t handle_map_id(const void *map);

/* marks the record dead and forgets its pointer */
void handle_kill(HandleRecord *rec);

const char *handle_kind_name(HandleKind kind);

/* a 64-bit value back to JS, as a BigInt (arguments are read by args.h) */
Napi::Value u64_value(Napi::Env env, uint64_t v);

/* {code, message} with errormsg() taken right after a failing call */
Napi::Object result_object(Napi::Env env, int code);

/* the same, with pmemset_errormsg() */
Napi::Object set_result_object(Napi::Env env, int code);

/* is [addr, addr+len) mapped with at least the permissions in `perms` ("r", "rw")? */
bool range_accessible(uintptr_t addr, size_t len, const char *perms);

/* one line of /proc/self/maps: [lo, hi) and whether it is readable, writable */
struct MapsEntry {
	uintptr_t lo, hi;
	bool r, w;
};

/* the process's mappings, in address order; false if they cannot be read */
bool maps_read(std::vector<MapsEntry> &out);

/* is [addr, addr+len) covered by entries of `maps` allowing `perms`? */
bool maps_cover(const std::vector<MapsEntry> &maps, uintptr_t addr, size_t len,
	const char *perms);

#endif
