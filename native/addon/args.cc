/* Checked readers of JS arguments and option properties (args.h). */
#include "args.h"

#include <limits>

/*
 * The readers below take a value and the name to blame; arg_* and prop_*
 * only pick the value.
 */

static uint64_t
value_u64(const Napi::Value &v, const std::string &what)
{
	Napi::Env env = v.Env();
	if (v.IsBigInt()) {
		bool lossless = false;
		uint64_t r = v.As<Napi::BigInt>().Uint64Value(&lossless);
		if (!lossless)
			throw Napi::RangeError::New(env,
				what + " does not fit in 64 unsigned bits");
		return r;
	}
	if (v.IsNumber()) {
		double d = v.As<Napi::Number>().DoubleValue();
		if (d < 0 || d > 9007199254740991.0 || d != (double)(uint64_t)d)
			throw Napi::RangeError::New(env,
				what + " must be a non-negative integer (use a BigInt past 2^53)");
		return (uint64_t)d;
	}
	throw Napi::TypeError::New(env, what + " must be a number or a BigInt");
}

static int64_t
value_i64(const Napi::Value &v, const std::string &what)
{
	Napi::Env env = v.Env();
	if (v.IsBigInt()) {
		bool lossless = false;
		int64_t r = v.As<Napi::BigInt>().Int64Value(&lossless);
		if (!lossless)
			throw Napi::RangeError::New(env,
				what + " does not fit in 64 signed bits");
		return r;
	}
	if (v.IsNumber()) {
		double d = v.As<Napi::Number>().DoubleValue();
		if (d < -9007199254740991.0 || d > 9007199254740991.0 ||
			d != (double)(int64_t)d)
			throw Napi::RangeError::New(env,
				what + " must be an integer");
		return (int64_t)d;
	}
	throw Napi::TypeError::New(env, what + " must be a number or a BigInt");
}

/* value_in -- an integer in [lo, hi]; the message gives the bounds */
static int64_t
value_in(const Napi::Value &v, const std::string &what, int64_t lo, int64_t hi)
{
	int64_t x = value_i64(v, what);
	if (x < lo || x > hi)
		throw Napi::RangeError::New(v.Env(),
			what + " must be an integer in [" + std::to_string(lo) +
				", " + std::to_string(hi) + "]");
	return x;
}

/*
 * value_u32 -- a 32-bit flag word. JS bit operators give signed 32-bit
 * results (PMEM2_PROT_READ | PMEM2_PROT_WRITE is negative in JS), so the
 * signed form of a word is taken too: any integer in [-2^31, 2^32 - 1],
 * modulo 2^32.
 */
static uint32_t
value_u32(const Napi::Value &v, const std::string &what)
{
	return (uint32_t)value_in(v, what, std::numeric_limits<int32_t>::min(),
		std::numeric_limits<uint32_t>::max());
}

static int32_t
value_i32(const Napi::Value &v, const std::string &what)
{
	return (int32_t)value_in(v, what, std::numeric_limits<int32_t>::min(),
		std::numeric_limits<int32_t>::max());
}

static bool
value_bool(const Napi::Value &v, const std::string &what)
{
	if (!v.IsBoolean())
		throw Napi::TypeError::New(v.Env(),
			what + " must be a boolean");
	return v.As<Napi::Boolean>().Value();
}

static std::string
value_string(const Napi::Value &v, const std::string &what)
{
	if (!v.IsString())
		throw Napi::TypeError::New(v.Env(), what + " must be a string");
	return v.As<Napi::String>().Utf8Value();
}

static Napi::Object
value_object(const Napi::Value &v, const std::string &what)
{
	if (!v.IsObject())
		throw Napi::TypeError::New(v.Env(),
			what + " must be an object");
	return v.As<Napi::Object>();
}

static Napi::Array
value_array(const Napi::Value &v, const std::string &what)
{
	if (!v.IsArray())
		throw Napi::TypeError::New(v.Env(), what + " must be an array");
	return v.As<Napi::Array>();
}

static Napi::Buffer<char>
value_buffer(const Napi::Value &v, const std::string &what)
{
	if (!v.IsBuffer())
		throw Napi::TypeError::New(v.Env(), what + " must be a Buffer");
	return v.As<Napi::Buffer<char>>();
}

uint64_t
arg_u64(const Napi::CallbackInfo &info, size_t i, const char *what)
{
	return value_u64(info[i], what);
}

int64_t
arg_i64(const Napi::CallbackInfo &info, size_t i, const char *what)
{
	return value_i64(info[i], what);
}

uint32_t
arg_u32(const Napi::CallbackInfo &info, size_t i, const char *what)
{
	return value_u32(info[i], what);
}

int32_t
arg_i32(const Napi::CallbackInfo &info, size_t i, const char *what)
{
	return value_i32(info[i], what);
}

bool
arg_bool(const Napi::CallbackInfo &info, size_t i, const char *what)
{
	return value_bool(info[i], what);
}

std::string
arg_string(const Napi::CallbackInfo &info, size_t i, const char *what)
{
	return value_string(info[i], what);
}

Napi::Object
arg_object(const Napi::CallbackInfo &info, size_t i, const char *what)
{
	return value_object(info[i], what);
}

Napi::Buffer<char>
arg_buffer(const Napi::CallbackInfo &info, size_t i, const char *what)
{
	return value_buffer(info[i], what);
}

bool
arg_present(const Napi::CallbackInfo &info, size_t i)
{
	return !info[i].IsUndefined() && !info[i].IsNull();
}

bool
prop_u64(const Napi::Object &o, const char *key, uint64_t &out)
{
	Napi::Value v = o.Get(key);
	if (v.IsUndefined())
		return false;
	out = value_u64(v, key);
	return true;
}

bool
prop_i32(const Napi::Object &o, const char *key, int32_t &out)
{
	Napi::Value v = o.Get(key);
	if (v.IsUndefined())
		return false;
	out = value_i32(v, key);
	return true;
}

bool
prop_bool(const Napi::Object &o, const char *key, bool &out)
{
	Napi::Value v = o.Get(key);
	if (v.IsUndefined())
		return false;
	out = value_bool(v, key);
	return true;
}

bool
prop_string(const Napi::Object &o, const char *key, std::string &out)
{
	Napi::Value v = o.Get(key);
	if (v.IsUndefined())
		return false;
	out = value_string(v, key);
	return true;
}

bool
prop_i32_array(const Napi::Object &o, const char *key,
	std::vector<int32_t> &out)
{
	Napi::Value v = o.Get(key);
	if (v.IsUndefined())
		return false;
	Napi::Array a = value_array(v, key);
	std::vector<int32_t> r;
	for (uint32_t i = 0; i < a.Length(); i++)
		r.push_back(value_i32(a.Get(i),
			std::string(key) + "[" + std::to_string(i) + "]"));
	out = r;
	return true;
}

std::vector<uint64_t>
arg_u64_array(const Napi::CallbackInfo &info, size_t i, const char *what)
{
	Napi::Array a = value_array(info[i], what);
	std::vector<uint64_t> r;
	r.reserve(a.Length());
	for (uint32_t k = 0; k < a.Length(); k++)
		r.push_back(value_u64(a.Get(k),
			std::string(what) + "[" + std::to_string(k) + "]"));
	return r;
}
