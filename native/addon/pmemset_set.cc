/* pmemset_new/delete and the set-wide properties of a set */
#include "pmemset_entry.h"

static Napi::Value
SetNew(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *cfg = handle_get_optional(info[0], HK_SET_CONFIG);
	pmemset *set = nullptr;
	int ret = set_api(env).pmemset_new(&set,
		cfg ? static_cast<pmemset_config *>(cfg->ptr) : nullptr);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		r.Set("set", handle_new(env, HK_SET, set));
	return r;
}

static Napi::Value
SetDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SET);
	pmemset *set = static_cast<pmemset *>(rec->ptr);
	int ret = set_api(env).pmemset_delete(&set);
	Napi::Object r = set_result_object(env, ret);
	r.Set("pointerCleared", Napi::Boolean::New(env, set == nullptr));
	if (ret == 0)
		handle_kill(rec);
	return r;
}

static Napi::Value
GetStoreGranularity(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	pmem2_granularity g = PMEM2_GRANULARITY_PAGE;
	int ret = set_api(env).pmemset_get_store_granularity(set, &g);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		r.Set("value", Napi::Number::New(env, g));
	return r;
}

static Napi::Value
SetCoalescing(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	int v = arg_i32(info, 1, "coalescing");
	return set_result_object(env,
		set_api(env).pmemset_set_contiguous_part_coalescing(set,
			static_cast<pmemset_coalescing>(v)));
}

void
pmemset_set_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("setNew", Napi::Function::New(env, SetNew));
	exports.Set("setDelete", Napi::Function::New(env, SetDelete));
	exports.Set("setGetStoreGranularity",
		Napi::Function::New(env, GetStoreGranularity));
	exports.Set("setSetContiguousPartCoalescing",
		Napi::Function::New(env, SetCoalescing));
}
