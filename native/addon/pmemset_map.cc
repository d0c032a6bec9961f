/* pmemset_map, and the part descriptors it and pmemset_part_map fill */
#include "pmemset_entry.h"

Napi::Object
descriptor_value(Napi::Env env, const pmemset_part_descriptor &d)
{
	Napi::Object o = Napi::Object::New(env);
	o.Set("addr", u64_value(env, (uintptr_t)d.addr));
	o.Set("size", u64_value(env, d.size));
	return o;
}

/* a descriptor the library has not touched keeps these values */
static const pmemset_part_descriptor DESC_SENTINEL =
	{reinterpret_cast<void *>(0x5e5e5e5e5e5e7000ULL), 0x5e5e5e5eULL};

pmemset_part_descriptor
descriptor_sentinel()
{
	return DESC_SENTINEL;
}

static bool
desc_filled(const pmemset_part_descriptor &d)
{
	return d.addr != DESC_SENTINEL.addr || d.size != DESC_SENTINEL.size;
}

void
descriptor_report(Napi::Env env, Napi::Object r,
	const pmemset_part_descriptor &d)
{
	r.Set("descriptorFilled", Napi::Boolean::New(env, desc_filled(d)));
	if (desc_filled(d))
		r.Set("descriptor", descriptor_value(env, d));
}

/* map(set, src, mapConfig|null, wantDescriptor) */
static Napi::Value
Map(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *set = handle_get_optional(info[0], HK_SET);
	HandleRecord *src = handle_get_optional(info[1], HK_SET_SOURCE);
	HandleRecord *mc = handle_get_optional(info[2], HK_SET_MAP_CONFIG);
	bool want_desc = arg_bool(info, 3, "wantDescriptor");
	pmemset_part_descriptor desc = descriptor_sentinel();
	int ret = set_api(env).pmemset_map(set ?
			static_cast<pmemset *>(set->ptr) :
			nullptr,
		src ? static_cast<pmemset_source *>(src->ptr) : nullptr,
		mc ? static_cast<pmemset_map_config *>(mc->ptr) : nullptr,
		want_desc ? &desc : nullptr);
	Napi::Object r = set_result_object(env, ret);
	if (want_desc)
		descriptor_report(env, r, desc);
	return r;
}

void
pmemset_map_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("setMap", Napi::Function::New(env, Map));
}
