/*
 * The one checked way the addon reads what JS passed it.
 *
 * Every reader names the value in the exception it throws: a TypeError
 * when the value has the wrong type, a RangeError when it is a number (or
 * BigInt) that the C type cannot hold -- no value is silently truncated,
 * wrapped or defaulted. Integers may be given as a number or a BigInt.
 * Handles are read by handle_get() (handles.h), which checks them the same
 * way.
 *
 *   arg_*(info, i, what)     the i-th argument
 *   arg_present(info, i)     false for an omitted argument (undefined or
 *                            null): the caller decides the default
 *   prop_*(obj, key, out)    an optional property of an options object:
 *                            when it is undefined, out is left as it is
 *                            and false is returned
 */
#ifndef PMEM_CONFORM_ARGS_H
#define PMEM_CONFORM_ARGS_H

#include <napi.h>
#include <cstdint>
#include <string>
#include <vector>

/* sizes, offsets, addresses, flag words of 64 bits */
uint64_t arg_u64(const Napi::CallbackInfo &info, size_t i, const char *what);
/* signed 64-bit values (offsets that may point before a map) */
int64_t arg_i64(const Napi::CallbackInfo &info, size_t i, const char *what);
/*
 * flag words of 32 bits (protection, PMEM2_F_MEM_*), also in the signed
 * form JS bit operators give: [-2^31, 2^32 - 1], taken modulo 2^32
 */
uint32_t arg_u32(const Napi::CallbackInfo &info, size_t i, const char *what);
/* signed codes: enum values, error codes, descriptors, byte values */
int32_t arg_i32(const Napi::CallbackInfo &info, size_t i, const char *what);
bool arg_bool(const Napi::CallbackInfo &info, size_t i, const char *what);
std::string arg_string(const Napi::CallbackInfo &info, size_t i,
	const char *what);
Napi::Object arg_object(const Napi::CallbackInfo &info, size_t i,
	const char *what);
Napi::Buffer<char> arg_buffer(const Napi::CallbackInfo &info, size_t i,
	const char *what);
bool arg_present(const Napi::CallbackInfo &info, size_t i);
/* an array of 64-bit values; its elements are named what[0], what[1]... */
std::vector<uint64_t> arg_u64_array(const Napi::CallbackInfo &info, size_t i,
	const char *what);

bool prop_u64(const Napi::Object &o, const char *key, uint64_t &out);
bool prop_i32(const Napi::Object &o, const char *key, int32_t &out);
bool prop_bool(const Napi::Object &o, const char *key, bool &out);
bool prop_string(const Napi::Object &o, const char *key, std::string &out);
/* an array of signed codes; its elements are named key[0], key[1]... */
bool prop_i32_array(const Napi::Object &o, const char *key,
	std::vector<int32_t> &out);

#endif
