/* Shared by the libpmemset files of the addon. */
#ifndef PMEM_CONFORM_PMEMSET_ENTRY_H
#define PMEM_CONFORM_PMEMSET_ENTRY_H

#include "entry.h"
#include "pmemset_api.h"

const PmemsetApi &set_api(Napi::Env env);

void pmemset_set_init(Napi::Env env, Napi::Object exports);
void pmemset_source_init(Napi::Env env, Napi::Object exports);
void pmemset_data_init(Napi::Env env, Napi::Object exports);

/* the descriptor as {addr, size} */
Napi::Object descriptor_value(Napi::Env env, const pmemset_part_descriptor &d);

template <typename T>
T *
set_ptr(const Napi::Value &v, HandleKind kind)
{
	return static_cast<T *>(handle_get(v, kind)->ptr);
}

#endif
