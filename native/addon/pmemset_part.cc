/*
 * The older part API (pmemset_part_new/map/delete of the v1.11 pages): a
 * part is described first and mapped later.
 */
#include "pmemset_entry.h"

static Napi::Value
PartNew(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *set = handle_get_optional(info[0], HK_SET);
	HandleRecord *src = handle_get_optional(info[1], HK_SET_SOURCE);
	uint64_t off = arg_u64(info, 2, "offset");
	uint64_t len = arg_u64(info, 3, "length");
	pmemset_part *part = nullptr;
	int ret = set_api(env).pmemset_part_new(&part,
		set ? static_cast<pmemset *>(set->ptr) : nullptr,
		src ? static_cast<pmemset_source *>(src->ptr) : nullptr, off,
		len);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		r.Set("part", handle_new(env, HK_SET_PART, part));
	return r;
}

static Napi::Value
PartDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SET_PART);
	pmemset_part *part = static_cast<pmemset_part *>(rec->ptr);
	int ret = set_api(env).pmemset_part_delete(&part);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		handle_kill(rec);
	return r;
}

/* partMap(part, wantDescriptor): the part is consumed on success */
static Napi::Value
PartMap(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SET_PART);
	bool want_desc = arg_bool(info, 1, "wantDescriptor");
	pmemset_part *part = static_cast<pmemset_part *>(rec->ptr);
	pmemset_part *before = part;
	pmemset_part_descriptor desc = descriptor_sentinel();
	int ret = set_api(env).pmemset_part_map(&part, nullptr,
		want_desc ? &desc : nullptr);
	Napi::Object r = set_result_object(env, ret);
	r.Set("partPtr",
		Napi::String::New(env,
			part == nullptr        ? "null" :
				part == before ? "unchanged" :
						 "set"));
	if (want_desc)
		descriptor_report(env, r, desc);
	if (part == nullptr)
		handle_kill(rec);
	return r;
}

void
pmemset_part_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("setPartNew", Napi::Function::New(env, PartNew));
	exports.Set("setPartDelete", Napi::Function::New(env, PartDelete));
	exports.Set("setPartMap", Napi::Function::New(env, PartMap));
}
