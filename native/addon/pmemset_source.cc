/* libpmemset sources, SDS and bad-block detection */
#include "pmemset_entry.h"

#include <cstring>

static Napi::Value
source_result(Napi::Env env, int ret, pmemset_source *src)
{
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		r.Set("source", handle_new(env, HK_SET_SOURCE, src));
	return r;
}

static Napi::Value
SourceFromPmem2(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *p2 = handle_get_optional(info[0], HK_SOURCE);
	pmemset_source *src = nullptr;
	int ret = set_api(env).pmemset_source_from_pmem2(&src,
		p2 ? static_cast<pmem2_source *>(p2->ptr) : nullptr);
	return source_result(env, ret, src);
}

/*
 * path_arg -- the path argument at `i`: a JS null is passed to the
 * library as NULL (the pages list an error for a NULL path), a string as
 * its characters; `keep` holds them for the call
 */
static const char *
path_arg(const Napi::CallbackInfo &info, size_t i, std::string &keep)
{
	if (i < info.Length() && info[i].IsNull())
		return nullptr;
	keep = arg_string(info, i, "path");
	return keep.c_str();
}

static Napi::Value
SourceFromFile(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string keep;
	const char *path = path_arg(info, 0, keep);
	pmemset_source *src = nullptr;
	int ret = set_api(env).pmemset_source_from_file(&src, path);
	return source_result(env, ret, src);
}

static Napi::Value
XsourceFromFile(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string keep;
	const char *path = path_arg(info, 0, keep);
	uint64_t flags = arg_u64(info, 1, "flags");
	pmemset_source *src = nullptr;
	int ret = set_api(env).pmemset_xsource_from_file(&src, path, flags);
	return source_result(env, ret, src);
}

static Napi::Value
SourceFromTemporary(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string dir = arg_string(info, 0, "dir");
	pmemset_source *src = nullptr;
	int ret = set_api(env).pmemset_source_from_temporary(&src, dir.c_str());
	return source_result(env, ret, src);
}

static Napi::Value
SourceDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SET_SOURCE);
	pmemset_source *src = static_cast<pmemset_source *>(rec->ptr);
	int ret = set_api(env).pmemset_source_delete(&src);
	Napi::Object r = set_result_object(env, ret);
	r.Set("pointerCleared", Napi::Boolean::New(env, src == nullptr));
	if (ret == 0)
		handle_kill(rec);
	return r;
}

static Napi::Value
SourceAlignment(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_source *src = set_ptr<pmemset_source>(info[0], HK_SET_SOURCE);
	size_t a = 0;
	int ret = set_api(env).pmemset_source_alignment(src, &a);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		r.Set("value", u64_value(env, a));
	return r;
}

static Napi::Value
SourcePread(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_source *src = set_ptr<pmemset_source>(info[0], HK_SET_SOURCE);
	uint64_t len = arg_u64(info, 1, "length");
	uint64_t off = arg_u64(info, 2, "offset");
	if (len > (64ULL << 20))
		throw Napi::RangeError::New(env, "reads are limited to 64 MiB");
	std::string buf(len, '\0');
	int ret = set_api(env).pmemset_source_pread_mcsafe(src, &buf[0], len,
		off);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		r.Set("data", Napi::Buffer<char>::Copy(env, buf.data(), len));
	return r;
}

static Napi::Value
SourcePwrite(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_source *src = set_ptr<pmemset_source>(info[0], HK_SET_SOURCE);
	Napi::Buffer<char> buf = arg_buffer(info, 1, "data");
	uint64_t off = arg_u64(info, 2, "offset");
	return set_result_object(env,
		set_api(env).pmemset_source_pwrite_mcsafe(src, buf.Data(),
			buf.Length(), off));
}

/*
 * The SDS structure and the state the library writes at map time are user
 * memory the library keeps pointers to, so they live in a handle of their
 * own that JS can read after pmemset_map.
 */
struct SdsBox {
	pmemset_sds sds;
	pmemset_part_state state;
};

static Napi::Value
SourceSetSds(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_source *src = set_ptr<pmemset_source>(info[0], HK_SET_SOURCE);
	std::string id;
	uint64_t usc = 0;
	int32_t refcount = 0;
	if (arg_present(info, 1)) {
		Napi::Object o = arg_object(info, 1, "sds");
		prop_string(o, "id", id);
		prop_u64(o, "usc", usc);
		prop_i32(o, "refcount", refcount);
	}
	SdsBox *box = new SdsBox();
	memset(box, 0, sizeof(*box));
	box->state = static_cast<pmemset_part_state>(0);
	if (id.size() >= sizeof(box->sds.id)) {
		delete box;
		throw Napi::RangeError::New(env,
			"id must be shorter than " +
				std::to_string(sizeof(box->sds.id)) + " bytes");
	}
	memcpy(box->sds.id, id.c_str(), id.size() + 1);
	box->sds.usc = usc;
	box->sds.refcount = refcount;
	int ret = set_api(env).pmemset_source_set_sds(src, &box->sds,
		&box->state);
	Napi::Object r = set_result_object(env, ret);
	r.Set("sds", handle_new(env, HK_SET_SDS, box));
	return r;
}

int
sds_box_state(const void *box)
{
	return static_cast<const SdsBox *>(box)->state;
}

static Napi::Value
SdsRead(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	SdsBox *box = set_ptr<SdsBox>(info[0], HK_SET_SDS);
	Napi::Object o = Napi::Object::New(env);
	o.Set("id", Napi::String::New(env, box->sds.id));
	o.Set("usc", u64_value(env, box->sds.usc));
	o.Set("refcount", Napi::Number::New(env, box->sds.refcount));
	o.Set("state", Napi::Number::New(env, box->state));
	return o;
}

static Napi::Value
SourceSetBadblockDetection(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_source *src = set_ptr<pmemset_source>(info[0], HK_SET_SOURCE);
	bool on = arg_bool(info, 1, "on");
	set_api(env).pmemset_source_set_badblock_detection(src, on);
	return env.Undefined();
}

void
pmemset_source_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("setSourceFromPmem2",
		Napi::Function::New(env, SourceFromPmem2));
	exports.Set("setSourceFromFile",
		Napi::Function::New(env, SourceFromFile));
	exports.Set("setXsourceFromFile",
		Napi::Function::New(env, XsourceFromFile));
	exports.Set("setSourceFromTemporary",
		Napi::Function::New(env, SourceFromTemporary));
	exports.Set("setSourceDelete", Napi::Function::New(env, SourceDelete));
	exports.Set("setSourceAlignment",
		Napi::Function::New(env, SourceAlignment));
	exports.Set("setSourcePreadMcsafe",
		Napi::Function::New(env, SourcePread));
	exports.Set("setSourcePwriteMcsafe",
		Napi::Function::New(env, SourcePwrite));
	exports.Set("setSourceSetSds", Napi::Function::New(env, SourceSetSds));
	exports.Set("setSdsRead", Napi::Function::New(env, SdsRead));
	exports.Set("setSourceSetBadblockDetection",
		Napi::Function::New(env, SourceSetBadblockDetection));
}
