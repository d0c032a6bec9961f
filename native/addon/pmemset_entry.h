/* Shared by the libpmemset files of the addon. */
#ifndef PMEM_CONFORM_PMEMSET_ENTRY_H
#define PMEM_CONFORM_PMEMSET_ENTRY_H

#include "entry.h"
#include "pmemset_api.h"

/* the loaded libpmemset; throws a JS Error when pmemsetLoad() was not called */
const PmemsetApi &set_api(Napi::Env env);

/* one file per concept, as for libpmem2 (entry.h) */
void pmemset_config_init(Napi::Env env, Napi::Object exports);
void pmemset_events_init(Napi::Env env, Napi::Object exports);
void pmemset_set_init(Napi::Env env, Napi::Object exports);
void pmemset_source_init(Napi::Env env, Napi::Object exports);
void pmemset_map_config_init(Napi::Env env, Napi::Object exports);
void pmemset_map_init(Napi::Env env, Napi::Object exports);
void pmemset_part_map_init(Napi::Env env, Napi::Object exports);
void pmemset_part_init(Napi::Env env, Napi::Object exports);
void pmemset_data_init(Napi::Env env, Napi::Object exports);

/* the descriptor as {addr, size} */
Napi::Object descriptor_value(Napi::Env env, const pmemset_part_descriptor &d);

/* what a descriptor holds before the library is asked to fill it */
pmemset_part_descriptor descriptor_sentinel();

/* sets descriptorFilled on r, and descriptor when the library filled d */
void descriptor_report(Napi::Env env, Napi::Object r,
	const pmemset_part_descriptor &d);

/* the part state pmemset wrote through the SDS record's handle */
int sds_box_state(const void *box);

/*
 * called by the event callback after pmemset_badblock_clear returned 0;
 * set only in forkInject's child, which rewrites its fake bad-block list
 */
extern void (*pmemset_badblock_cleared_hook)(uint64_t offset, uint64_t length);

/* one recorded event as forkInject's child reports it */
struct ChildEvent {
	int type;
	int value; /* BADBLOCK: -1 when the callback's clear failed */
	uint64_t offset; /* BADBLOCK: the bad block's offset and length */
	uint64_t length;
};

/* the name of an event type ("BADBLOCK"), or its number */
std::string pmemset_event_name(int type);

/* the events of log `id` (at most max) into out; their count, or -1 */
int pmemset_events_copy(uint64_t id, ChildEvent *out, int max);

template <typename T>
T *
set_ptr(const Napi::Value &v, HandleKind kind)
{
	return static_cast<T *>(handle_get(v, kind)->ptr);
}

#endif
