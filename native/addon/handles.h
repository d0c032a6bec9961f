/*
 * JS handles for libpmem2 objects.
 *
 * The addon keeps a table of live records, keyed by a number it hands out
 * once (ids are never reused). JS sees a handle object made in JS
 * (runner/core/native.ts) that carries the id in a private field; the JS
 * side passes only that id down, so an entry point gets a plain number. The
 * table, not the object, is the authority: an id that names no record, or a
 * record of another kind, is a TypeError; an id handed out before and since
 * deleted is an Error naming it, never a read of a freed pointer. No
 * per-handle wrap, type tag or finalizer: those were most of a call's cost.
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
	uint32_t id;
	/*
	 * What the addon knows of the mapping's protection, so that a read or
	 * write it would fault on is refused in JS (faults belong in a child).
	 */
	unsigned prot;
};

/* a new live record for ptr; its id */
uint32_t handle_register(HandleKind kind, void *ptr, unsigned prot = 0);

/* a new live record for ptr, as a JS handle object (made by native.ts) */
Napi::Value handle_new(Napi::Env env, HandleKind kind, void *ptr,
	unsigned prot = 0);

/* the live record behind `v`; throws TypeError / Error otherwise */
HandleRecord *handle_get(const Napi::Value &v, HandleKind kind);

/* like handle_get, but also accepts null/undefined (returns nullptr) */
HandleRecord *handle_get_optional(const Napi::Value &v, HandleKind kind);

/* the id of the live map handle whose pointer is `map`, or 0 */
uint32_t handle_map_id(const void *map);

/* removes the record: its id is refused from now on as deleted */
void handle_kill(HandleRecord *rec);

const char *handle_kind_name(HandleKind kind);

/*
 * The hot entry points (config, source and map new/delete) return the
 * library's code as a number and put the rest here, in an Int32Array that
 * native.ts registers once and reads back: no result object per call.
 */
enum { FAST_OUT_LEN = 4 };
extern int32_t *fast_out;

/* fast_out, or a JS Error when native.ts did not register it */
int32_t *fast_outputs(Napi::Env env);

/* registers setHandleFactory and setFastOut */
void handles_init(Napi::Env env, Napi::Object exports);

/* a 64-bit value back to JS, as a BigInt (arguments are read by args.h) */
Napi::Value u64_value(Napi::Env env, uint64_t v);

/* {code, message} with errormsg() taken right after a failing call */
Napi::Object result_object(Napi::Env env, int code);

/* the same, with pmemset_errormsg() */
Napi::Object set_result_object(Napi::Env env, int code);

/* is [addr, addr+len) mapped with at least the permissions in `perms` ("r", "rw")? */
bool range_accessible(uintptr_t addr, size_t len, const char *perms);

/* the same, from the whole text of /proc/self/maps when `text` (the kernel's per-address query otherwise) */
bool range_accessible_by(uintptr_t addr, size_t len, const char *perms,
	bool text);

/*
 * Checks of several ranges against the kernel's per-address answers
 * (PROCMAP_QUERY), with one open of /proc/self/maps
 */
class MapsQuery
{
	int fd = -1;

      public:
	MapsQuery() = default;
	MapsQuery(const MapsQuery &) = delete;
	MapsQuery &operator=(const MapsQuery &) = delete;
	~MapsQuery();
	/* 1: [addr, addr+len) is mapped with `perms`, 0: it is not, -1: the kernel cannot say (use range_accessible_by's text) */
	int cover(uintptr_t addr, size_t len, const char *perms);
};

/* does the kernel answer per-address queries of /proc/self/maps? (-1: not asked yet) */
int range_query_support();

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
