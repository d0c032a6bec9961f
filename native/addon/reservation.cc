/* pmem2_vm_reservation_* entry points */
#include "entry.h"

static void *const RSV_PTR_SENTINEL =
	reinterpret_cast<void *>(0x5e5e5e5e5e5e6000ULL);

static const char *
pointer_state(void *p, void *before)
{
	if (p == nullptr)
		return "null";
	if (p == before)
		return "unchanged";
	return "set";
}

static pmem2_vm_reservation *
rsv_of(const Napi::CallbackInfo &info, HandleRecord **rec_out = nullptr)
{
	HandleRecord *rec = handle_get(info[0], HK_RESERVATION);
	if (rec_out)
		*rec_out = rec;
	return static_cast<pmem2_vm_reservation *>(rec->ptr);
}

static Napi::Value
ReservationNew(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint64_t addr = arg_u64(info, 0, "address");
	uint64_t size = arg_u64(info, 1, "size");
	pmem2_vm_reservation *rsv =
		static_cast<pmem2_vm_reservation *>(RSV_PTR_SENTINEL);
	int ret = api(env).pmem2_vm_reservation_new(&rsv,
		reinterpret_cast<void *>(addr), size);
	Napi::Object r = result_object(env, ret);
	r.Set("rsvPtr",
		Napi::String::New(env, pointer_state(rsv, RSV_PTR_SENTINEL)));
	if (ret == 0 && rsv != nullptr && rsv != RSV_PTR_SENTINEL)
		r.Set("reservation", handle_new(env, HK_RESERVATION, rsv));
	return r;
}

static Napi::Value
ReservationDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = nullptr;
	pmem2_vm_reservation *rsv = rsv_of(info, &rec);
	pmem2_vm_reservation *before = rsv;
	int ret = api(env).pmem2_vm_reservation_delete(&rsv);
	Napi::Object r = result_object(env, ret);
	r.Set("rsvPtr", Napi::String::New(env, pointer_state(rsv, before)));
	if (ret == 0)
		handle_kill(rec);
	return r;
}

static Napi::Value
ReservationExtend(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_vm_reservation *rsv = rsv_of(info);
	uint64_t size = arg_u64(info, 1, "size");
	return result_object(env,
		api(env).pmem2_vm_reservation_extend(rsv, size));
}

static Napi::Value
ReservationShrink(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_vm_reservation *rsv = rsv_of(info);
	uint64_t off = arg_u64(info, 1, "offset");
	uint64_t size = arg_u64(info, 2, "size");
	return result_object(env,
		api(env).pmem2_vm_reservation_shrink(rsv, off, size));
}

static Napi::Value
ReservationGetAddress(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	void *a = api(env).pmem2_vm_reservation_get_address(rsv_of(info));
	return u64_value(env, reinterpret_cast<uintptr_t>(a));
}

static Napi::Value
ReservationGetSize(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	return u64_value(env,
		api(env).pmem2_vm_reservation_get_size(rsv_of(info)));
}

/*
 * The found map is reported by the id of its JS handle (0 when the library
 * returned a map this addon did not create -- itself a finding).
 */
static Napi::Object
found(Napi::Env env, int ret, pmem2_map *m)
{
	Napi::Object r = result_object(env, ret);
	if (ret == 0) {
		r.Set("mapId", Napi::Number::New(env, handle_map_id(m)));
		r.Set("mapAddress",
			u64_value(env,
				reinterpret_cast<uintptr_t>(
					m ? api(env).pmem2_map_get_address(m) :
					    nullptr)));
	}
	return r;
}

static Napi::Value
MapFind(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_vm_reservation *rsv = rsv_of(info);
	uint64_t off = arg_u64(info, 1, "offset");
	uint64_t len = arg_u64(info, 2, "length");
	pmem2_map *m = nullptr;
	int ret = api(env).pmem2_vm_reservation_map_find(rsv, off, len, &m);
	return found(env, ret, m);
}

static Napi::Value
MapFindFirst(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_map *m = nullptr;
	int ret =
		api(env).pmem2_vm_reservation_map_find_first(rsv_of(info), &m);
	return found(env, ret, m);
}

static Napi::Value
MapFindLast(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_map *m = nullptr;
	int ret = api(env).pmem2_vm_reservation_map_find_last(rsv_of(info), &m);
	return found(env, ret, m);
}

static Napi::Value
MapFindNext(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_vm_reservation *rsv = rsv_of(info);
	HandleRecord *map = handle_get(info[1], HK_MAP);
	pmem2_map *m = nullptr;
	int ret = api(env).pmem2_vm_reservation_map_find_next(rsv,
		static_cast<pmem2_map *>(map->ptr), &m);
	return found(env, ret, m);
}

static Napi::Value
MapFindPrev(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_vm_reservation *rsv = rsv_of(info);
	HandleRecord *map = handle_get(info[1], HK_MAP);
	pmem2_map *m = nullptr;
	int ret = api(env).pmem2_vm_reservation_map_find_prev(rsv,
		static_cast<pmem2_map *>(map->ptr), &m);
	return found(env, ret, m);
}

void
reservation_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("reservationNew", Napi::Function::New(env, ReservationNew));
	exports.Set("reservationDelete",
		Napi::Function::New(env, ReservationDelete));
	exports.Set("reservationExtend",
		Napi::Function::New(env, ReservationExtend));
	exports.Set("reservationShrink",
		Napi::Function::New(env, ReservationShrink));
	exports.Set("reservationGetAddress",
		Napi::Function::New(env, ReservationGetAddress));
	exports.Set("reservationGetSize",
		Napi::Function::New(env, ReservationGetSize));
	exports.Set("reservationMapFind", Napi::Function::New(env, MapFind));
	exports.Set("reservationMapFindFirst",
		Napi::Function::New(env, MapFindFirst));
	exports.Set("reservationMapFindLast",
		Napi::Function::New(env, MapFindLast));
	exports.Set("reservationMapFindNext",
		Napi::Function::New(env, MapFindNext));
	exports.Set("reservationMapFindPrev",
		Napi::Function::New(env, MapFindPrev));
}
