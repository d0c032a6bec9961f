/* pmem2_source_* entry points */
#include "entry.h"

/* sourceFromFd(fd) -> code; fast_out[0] the new handle's id (hot path) */
static Napi::Value
SourceFromFd(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int32_t *out = fast_outputs(env);
	int fd = arg_i32(info, 0, "fd");
	struct pmem2_source *src = nullptr;
	int ret = api(env).pmem2_source_from_fd(&src, fd);
	out[0] = ret == 0 ? (int32_t)handle_register(HK_SOURCE, src) : 0;
	return Napi::Number::New(env, ret);
}

static Napi::Value
SourceFromAnon(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint64_t size = arg_u64(info, 0, "size");
	struct pmem2_source *src = nullptr;
	int ret = api(env).pmem2_source_from_anon(&src, size);
	Napi::Object r = result_object(env, ret);
	if (ret == 0)
		r.Set("source", handle_new(env, HK_SOURCE, src));
	return r;
}

static Napi::Value
SourceSize(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SOURCE);
	size_t size = 0;
	int ret = api(env).pmem2_source_size(static_cast<pmem2_source *>(
						     rec->ptr),
		&size);
	Napi::Object r = result_object(env, ret);
	if (ret == 0)
		r.Set("value", u64_value(env, size));
	return r;
}

static Napi::Value
SourceAlignment(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SOURCE);
	size_t align = 0;
	int ret = api(env).pmem2_source_alignment(static_cast<pmem2_source *>(
							  rec->ptr),
		&align);
	Napi::Object r = result_object(env, ret);
	if (ret == 0)
		r.Set("value", u64_value(env, align));
	return r;
}

static Napi::Value
SourceGetFd(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SOURCE);
	int fd = -1;
	int ret = api(env).pmem2_source_get_fd(static_cast<pmem2_source *>(
						       rec->ptr),
		&fd);
	Napi::Object r = result_object(env, ret);
	if (ret == 0)
		r.Set("value", Napi::Number::New(env, fd));
	return r;
}

static Napi::Value
SourceDeviceId(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SOURCE);
	const pmem2_source *src = static_cast<pmem2_source *>(rec->ptr);
	size_t len = 0;
	/* the page's two-step protocol: ask the length, then fill */
	int ret = api(env).pmem2_source_device_id(src, nullptr, &len);
	if (ret != 0)
		return result_object(env, ret);
	/* shortBy: the second step given a buffer that many bytes short */
	uint32_t short_by = 0;
	if (info.Length() > 1 && !info[1].IsUndefined()) {
		if (!info[1].IsNumber() ||
			info[1].As<Napi::Number>().Int64Value() < 1 ||
			(size_t)info[1].As<Napi::Number>().Int64Value() > len)
			throw Napi::TypeError::New(env,
				"shortBy must be 1..the identifier's length");
		short_by = info[1].As<Napi::Number>().Uint32Value();
	}
	size_t asked = len;
	size_t buf_len = len - short_by;
	std::string id(len, '\0');
	ret = api(env).pmem2_source_device_id(src, &id[0], &buf_len);
	Napi::Object r = result_object(env, ret);
	r.Set("length", Napi::Number::New(env, (double)asked));
	if (ret == 0)
		r.Set("value", Napi::String::New(env, id.c_str()));
	return r;
}

static Napi::Value
SourceDeviceUsc(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SOURCE);
	uint64_t usc = 0;
	int ret = api(env).pmem2_source_device_usc(static_cast<pmem2_source *>(
							   rec->ptr),
		&usc);
	Napi::Object r = result_object(env, ret);
	if (ret == 0)
		r.Set("value", u64_value(env, usc));
	return r;
}

/* sourceDelete(id) -> code; fast_out[0] whether the pointer was cleared */
static Napi::Value
SourceDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int32_t *out = fast_outputs(env);
	HandleRecord *rec = handle_get(info[0], HK_SOURCE);
	pmem2_source *src = static_cast<pmem2_source *>(rec->ptr);
	int ret = api(env).pmem2_source_delete(&src);
	out[0] = src == nullptr;
	if (ret == 0)
		handle_kill(rec);
	return Napi::Number::New(env, ret);
}

void
source_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("sourceFromFd", Napi::Function::New(env, SourceFromFd));
	exports.Set("sourceFromAnon", Napi::Function::New(env, SourceFromAnon));
	exports.Set("sourceSize", Napi::Function::New(env, SourceSize));
	exports.Set("sourceAlignment",
		Napi::Function::New(env, SourceAlignment));
	exports.Set("sourceGetFd", Napi::Function::New(env, SourceGetFd));
	exports.Set("sourceDeviceId", Napi::Function::New(env, SourceDeviceId));
	exports.Set("sourceDeviceUsc",
		Napi::Function::New(env, SourceDeviceUsc));
	exports.Set("sourceDelete", Napi::Function::New(env, SourceDelete));
}
