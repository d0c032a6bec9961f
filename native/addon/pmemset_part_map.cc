/* part maps: lookup, iteration, references and removal */
#include "pmemset_entry.h"

static Napi::Value
DescriptorPartMap(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct pmemset_part_map *pm =
		set_ptr<struct pmemset_part_map>(info[0], HK_SET_PART_MAP);
	return descriptor_value(env,
		set_api(env).pmemset_descriptor_part_map(pm));
}

static Napi::Value
part_map_result(Napi::Env env, int code, struct pmemset_part_map *pm)
{
	Napi::Object r = set_result_object(env, code);
	if (code == 0 && pm != nullptr)
		r.Set("partMap", handle_new(env, HK_SET_PART_MAP, pm));
	return r;
}

static Napi::Value
FirstPartMap(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	struct pmemset_part_map *pm = nullptr;
	set_api(env).pmemset_first_part_map(set, &pm);
	return part_map_result(env, 0, pm);
}

static Napi::Value
NextPartMap(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	struct pmemset_part_map *cur =
		set_ptr<struct pmemset_part_map>(info[1], HK_SET_PART_MAP);
	struct pmemset_part_map *next = nullptr;
	set_api(env).pmemset_next_part_map(set, cur, &next);
	return part_map_result(env, 0, next);
}

static Napi::Value
PartMapByAddress(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	uint64_t addr = arg_u64(info, 1, "address");
	struct pmemset_part_map *pm = nullptr;
	int ret = set_api(env).pmemset_part_map_by_address(set, &pm,
		reinterpret_cast<void *>(addr));
	return part_map_result(env, ret, pm);
}

static Napi::Value
PartMapDrop(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SET_PART_MAP);
	struct pmemset_part_map *pm =
		static_cast<struct pmemset_part_map *>(rec->ptr);
	set_api(env).pmemset_part_map_drop(&pm);
	Napi::Object r = Napi::Object::New(env);
	r.Set("pointerCleared", Napi::Boolean::New(env, pm == nullptr));
	handle_kill(rec);
	return r;
}

static Napi::Value
RemovePartMap(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	HandleRecord *rec = handle_get(info[1], HK_SET_PART_MAP);
	struct pmemset_part_map *pm =
		static_cast<struct pmemset_part_map *>(rec->ptr);
	int ret = set_api(env).pmemset_remove_part_map(set, &pm);
	Napi::Object r = set_result_object(env, ret);
	r.Set("pointerCleared", Napi::Boolean::New(env, pm == nullptr));
	if (ret == 0)
		handle_kill(rec);
	return r;
}

static Napi::Value
RemoveRange(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	uint64_t addr = arg_u64(info, 1, "address");
	uint64_t len = arg_u64(info, 2, "length");
	return set_result_object(env,
		set_api(env).pmemset_remove_range(set,
			reinterpret_cast<void *>(addr), len));
}

void
pmemset_part_map_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("setDescriptorPartMap",
		Napi::Function::New(env, DescriptorPartMap));
	exports.Set("setFirstPartMap", Napi::Function::New(env, FirstPartMap));
	exports.Set("setNextPartMap", Napi::Function::New(env, NextPartMap));
	exports.Set("setPartMapByAddress",
		Napi::Function::New(env, PartMapByAddress));
	exports.Set("setPartMapDrop", Napi::Function::New(env, PartMapDrop));
	exports.Set("setRemovePartMap",
		Napi::Function::New(env, RemovePartMap));
	exports.Set("setRemoveRange", Napi::Function::New(env, RemoveRange));
}
