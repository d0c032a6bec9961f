/*
 * Kernel facilities the suites need to build a clause's situation and
 * that node does not expose: sealed memfds, the append-only attribute,
 * MAP_SYNC and DAX probes.
 */
#include "entry.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

static Napi::Object
errno_result(Napi::Env env, int err)
{
	Napi::Object r = Napi::Object::New(env);
	r.Set("errno", Napi::Number::New(env, err));
	if (err)
		r.Set("message", Napi::String::New(env, strerror(err)));
	return r;
}

/* memfdCreate(name, size, seals) -> {errno, fd} */
static Napi::Value
MemfdCreate(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string name = arg_string(info, 0, "name");
	uint64_t size = arg_u64(info, 1, "size");
	int seals = arg_i32(info, 2, "seals");

	int fd = memfd_create(name.c_str(), MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (fd < 0)
		return errno_result(env, errno);
	if (ftruncate(fd, (off_t)size) != 0 ||
		(seals != 0 && fcntl(fd, F_ADD_SEALS, seals) != 0)) {
		int err = errno;
		(void)close(fd); /* the error above is the one to report */
		return errno_result(env, err);
	}
	Napi::Object r = errno_result(env, 0);
	r.Set("fd", Napi::Number::New(env, fd));
	return r;
}

/* setAppendOnly(fd, on) -> {errno}: FS_IOC_SETFLAGS with FS_APPEND_FL */
static Napi::Value
SetAppendOnly(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int fd = arg_i32(info, 0, "fd");
	bool on = arg_bool(info, 1, "on");
	int flags = 0;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0)
		return errno_result(env, errno);
	flags = on ? (flags | FS_APPEND_FL) : (flags & ~FS_APPEND_FL);
	if (ioctl(fd, FS_IOC_SETFLAGS, &flags) != 0)
		return errno_result(env, errno);
	return errno_result(env, 0);
}

/*
 * probeMapSync(fd, length) -> {errno}: what the kernel answers to a
 * MAP_SHARED_VALIDATE | MAP_SYNC mapping of the file, the same question
 * libpmem2 asks before granting CACHE_LINE granularity.
 */
static Napi::Value
ProbeMapSync(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int fd = arg_i32(info, 0, "fd");
	uint64_t len = arg_u64(info, 1, "length");
	void *p = mmap(nullptr, len, PROT_READ | PROT_WRITE,
		MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
	if (p == MAP_FAILED)
		return errno_result(env, errno);
	if (munmap(p, len) != 0)
		return errno_result(env, errno);
	return errno_result(env, 0);
}

/* statxDax(path) -> {errno, dax}: the kernel's STATX_ATTR_DAX for a file */
static Napi::Value
StatxDax(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string path = arg_string(info, 0, "path");
	struct statx stx;
	if (statx(AT_FDCWD, path.c_str(), 0, STATX_BASIC_STATS, &stx) != 0)
		return errno_result(env, errno);
	Napi::Object r = errno_result(env, 0);
	bool known = (stx.stx_attributes_mask & STATX_ATTR_DAX) != 0;
	r.Set("known", Napi::Boolean::New(env, known));
	r.Set("dax",
		Napi::Boolean::New(env,
			(stx.stx_attributes & STATX_ATTR_DAX) != 0));
	return r;
}

/*
 * freeAddress(size, align) -> an `align`-aligned address with `size` bytes
 * free behind it right now: mapped and unmapped again, so the range is known
 * to be unused without going through the library under test.
 */
static Napi::Value
FreeAddress(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint64_t size = arg_u64(info, 0, "size");
	uint64_t align = arg_u64(info, 1, "alignment");
	if (align == 0 || (align & (align - 1)) != 0)
		throw Napi::RangeError::New(env,
			"alignment must be a power of two");
	/*
	 * Linux hands out mmap addresses top-down, so whatever another thread
	 * or allocator maps next lands at the top of the hole we leave. A
	 * generous margin above the returned range keeps it free meanwhile.
	 */
	const size_t margin = 64UL << 20;
	size_t span = size + align + margin;
	void *p = mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (p == MAP_FAILED)
		throw Napi::Error::New(env,
			std::string("mmap: ") + strerror(errno));
	uintptr_t a = (reinterpret_cast<uintptr_t>(p) + align - 1) &
		~(uintptr_t)(align - 1);
	if (munmap(p, span) != 0)
		throw Napi::Error::New(env,
			std::string("munmap: ") + strerror(errno));
	return u64_value(env, a);
}

static Napi::Value
PageSize(const Napi::CallbackInfo &info)
{
	long ps = sysconf(_SC_PAGESIZE);
	if (ps <= 0)
		throw Napi::Error::New(info.Env(),
			"sysconf(_SC_PAGESIZE) failed");
	return Napi::Number::New(info.Env(), (double)ps);
}

/* closeFd(fd) -> {errno}; node's fs.closeSync would also work, but some
 * descriptors (memfds) are made here and not known to node */
static Napi::Value
CloseFd(const Napi::CallbackInfo &info)
{
	int fd = arg_i32(info, 0, "fd");
	return errno_result(info.Env(), close(fd) == 0 ? 0 : errno);
}

/*
 * pread_u64 -- one 64-bit entry of a /proc table (pagemap, kpageflags) at
 * index; returns 0 or an errno
 */
static int
pread_u64(const char *file, uint64_t index, uint64_t *out)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	ssize_t n = pread(fd, out, sizeof(*out), (off_t)(index * sizeof(*out)));
	int err = n < 0 ? errno : 0;
	if (close(fd) != 0 && err == 0)
		err = errno;
	if (err)
		return err;
	return n == (ssize_t)sizeof(*out) ? 0 : EIO;
}

/*
 * pageFlags(addr) -> {errno, present, dirty, writeback}: the kernel's page
 * flags of the page that backs addr in this process (/proc/self/pagemap for
 * its frame, /proc/kpageflags for the frame's flags; both need root). It
 * shows whether a persist wrote a page-cache page back: after msync the
 * page is clean.
 */
static Napi::Value
PageFlags(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint64_t addr = arg_u64(info, 0, "address");
	long psz = sysconf(_SC_PAGESIZE);
	if (psz <= 0)
		throw Napi::Error::New(env, "sysconf(_SC_PAGESIZE) failed");
	uint64_t entry = 0;
	int err = pread_u64("/proc/self/pagemap", addr / (uint64_t)psz, &entry);
	if (err)
		return errno_result(env, err);
	Napi::Object r = errno_result(env, 0);
	bool present = (entry >> 63) & 1;
	uint64_t pfn = entry & ((1ULL << 55) - 1);
	r.Set("present", Napi::Boolean::New(env, present));
	if (!present)
		return r;
	if (pfn == 0)
		return errno_result(env,
			EPERM); /* the frame is hidden without CAP_SYS_ADMIN */
	uint64_t flags = 0;
	err = pread_u64("/proc/kpageflags", pfn, &flags);
	if (err)
		return errno_result(env, err);
	/* KPF_DIRTY and KPF_WRITEBACK of linux/kernel-page-flags.h */
	r.Set("dirty", Napi::Boolean::New(env, (flags >> 4) & 1));
	r.Set("writeback", Napi::Boolean::New(env, (flags >> 8) & 1));
	return r;
}

/*
 * setParentDeathSignal(sig, parent) -> {errno}: PR_SET_PDEATHSIG, so a
 * child of the harness dies with the process that started it even when
 * that one is killed with SIGKILL; when the parent is already gone
 * (getppid() is no longer `parent`) the signal is raised at once.
 */
static Napi::Value
SetParentDeathSignal(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int sig = arg_i32(info, 0, "sig");
	int parent = arg_i32(info, 1, "parent");
	if (prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0) != 0)
		return errno_result(env, errno);
	/* the parent may have died before the prctl: then no signal would come */
	if (getppid() != (pid_t)parent && kill(getpid(), sig) != 0)
		return errno_result(env, errno);
	return errno_result(env, 0);
}

/*
 * FileExtents -- fileExtents(path) -> {errno, extents?: [{logical,
 * physical, length}]}: the file's extents from FS_IOC_FIEMAP (synced
 * first), byte offsets in the file and on its block device, so a case can
 * name the sectors of the device that hold a given page of the file
 */
static Napi::Value
FileExtents(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string path = arg_string(info, 0, "path");
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno_result(env, errno);
	const unsigned max = 64;
	std::vector<char> buf(
		sizeof(struct fiemap) + max * sizeof(struct fiemap_extent));
	struct fiemap *fm = reinterpret_cast<struct fiemap *>(buf.data());
	fm->fm_start = 0;
	fm->fm_length = ~0ULL;
	fm->fm_flags = FIEMAP_FLAG_SYNC;
	fm->fm_extent_count = max;
	int err = ioctl(fd, FS_IOC_FIEMAP, fm) != 0 ? errno : 0;
	(void)close(fd);
	if (err)
		return errno_result(env, err);
	Napi::Object r = errno_result(env, 0);
	Napi::Array a = Napi::Array::New(env, fm->fm_mapped_extents);
	for (unsigned i = 0; i < fm->fm_mapped_extents; i++) {
		const struct fiemap_extent &e = fm->fm_extents[i];
		Napi::Object o = Napi::Object::New(env);
		o.Set("logical",
			Napi::BigInt::New(env, (uint64_t)e.fe_logical));
		o.Set("physical",
			Napi::BigInt::New(env, (uint64_t)e.fe_physical));
		o.Set("length", Napi::BigInt::New(env, (uint64_t)e.fe_length));
		o.Set("flags", Napi::Number::New(env, e.fe_flags));
		a.Set(i, o);
	}
	r.Set("extents", a);
	return r;
}

/*
 * flush_lines -- writes [p, p + len) back from the CPU caches (clflush, a
 * fence after): what a store to a device DAX needs to reach the media
 */
static void
flush_lines(const char *p, size_t len)
{
#if defined(__x86_64__)
	uintptr_t line = reinterpret_cast<uintptr_t>(p) & ~(uintptr_t)63;
	for (; line < reinterpret_cast<uintptr_t>(p) + len; line += 64)
		__builtin_ia32_clflush(reinterpret_cast<const void *>(line));
	__builtin_ia32_sfence();
#else
	(void)p;
	(void)len;
	__sync_synchronize();
#endif
}

/*
 * DeviceAccess -- deviceAccess(fd, offset, length, align, data?) ->
 * {errno, message?, data?}: reads `length` bytes at `offset` of the device
 * DAX behind `fd`, or writes `data` there, through a plain shared mmap(2)
 * of the range widened to `align` (a device DAX maps only whole units of
 * its alignment). The harness's own way to a device's bytes, which has no
 * read(2) or write(2): mapping it with libpmem2 would judge the library by
 * itself, and pmem2_map_new on a device DAX walks sysfs, which costs a
 * quarter of a second a call in the emulated guest. Other mappings see a
 * write at once (the mapping is shared); it is also flushed from the CPU
 * caches, as msync(2) cannot do on a device DAX (no fsync: EINVAL).
 */
static Napi::Value
DeviceAccess(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int fd = arg_i32(info, 0, "fd");
	uint64_t off = arg_u64(info, 1, "offset");
	uint64_t len = arg_u64(info, 2, "length");
	uint64_t align = arg_u64(info, 3, "align");
	bool write = arg_present(info, 4);
	if (align == 0 || (align & (align - 1)) != 0)
		throw Napi::Error::New(env,
			"deviceAccess: align must be a power of two");
	Napi::Buffer<char> data;
	if (write) {
		data = arg_buffer(info, 4, "data");
		if (data.Length() != len)
			throw Napi::Error::New(env,
				"deviceAccess: data length differs from length");
	}
	if (len == 0) {
		Napi::Object r = errno_result(env, 0);
		if (!write)
			r.Set("data", Napi::Buffer<char>::New(env, 0));
		return r;
	}
	uint64_t lo = off & ~(align - 1);
	uint64_t hi = (off + len + align - 1) & ~(align - 1);
	int prot = write ? PROT_READ | PROT_WRITE : PROT_READ;
	/*
	 * a device DAX refuses a mapping whose address is not aligned to its
	 * unit (EINVAL), and mmap(2) need not pick such an address: reserve
	 * one unit more than needed and map the device at the aligned start
	 */
	size_t span = hi - lo;
	void *res = mmap(nullptr, span + align, PROT_NONE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return errno_result(env, errno);
	uintptr_t start = (reinterpret_cast<uintptr_t>(res) + align - 1) &
		~(uintptr_t)(align - 1);
	void *p = mmap(reinterpret_cast<void *>(start), span, prot,
		MAP_SHARED | MAP_FIXED, fd, (off_t)lo);
	if (p == MAP_FAILED) {
		int err = errno;
		(void)munmap(res, span + align); /* mmap's error is reported */
		return errno_result(env, err);
	}
	char *at = static_cast<char *>(p) + (off - lo);
	Napi::Object r = errno_result(env, 0);
	if (write) {
		memcpy(at, data.Data(), len);
		flush_lines(at, len);
	} else {
		r.Set("data", Napi::Buffer<char>::Copy(env, at, len));
	}
	if (munmap(res, span + align) != 0)
		return errno_result(env, errno);
	return r;
}

/*
 * MountFs -- mountFs(source, target, type, flags, data) -> {errno}:
 * mount(2) itself. The fixtures' helper tmpfs mounts ran mount(8), whose
 * exec cost about a third of a second each in the TCG guest (its shared
 * libraries read over 9p) for one system call.
 */
static Napi::Value
MountFs(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string source = arg_string(info, 0, "source");
	std::string target = arg_string(info, 1, "target");
	std::string type = arg_string(info, 2, "type");
	unsigned long flags = (unsigned long)arg_u64(info, 3, "flags");
	std::string data = arg_string(info, 4, "data");
	int ret = mount(source.c_str(), target.c_str(), type.c_str(), flags,
		data.empty() ? nullptr : data.c_str());
	return errno_result(env, ret == 0 ? 0 : errno);
}

/* UmountFs -- umountFs(target, detach) -> {errno}: umount2(2), MNT_DETACH when `detach` */
static Napi::Value
UmountFs(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string target = arg_string(info, 0, "target");
	bool detach = arg_bool(info, 1, "detach");
	int ret = umount2(target.c_str(), detach ? MNT_DETACH : 0);
	return errno_result(env, ret == 0 ? 0 : errno);
}

void
sys_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("setParentDeathSignal",
		Napi::Function::New(env, SetParentDeathSignal));
	exports.Set("memfdCreate", Napi::Function::New(env, MemfdCreate));
	exports.Set("setAppendOnly", Napi::Function::New(env, SetAppendOnly));
	exports.Set("probeMapSync", Napi::Function::New(env, ProbeMapSync));
	exports.Set("statxDax", Napi::Function::New(env, StatxDax));
	exports.Set("pageSize", Napi::Function::New(env, PageSize));
	exports.Set("freeAddress", Napi::Function::New(env, FreeAddress));
	exports.Set("closeFd", Napi::Function::New(env, CloseFd));
	exports.Set("pageFlags", Napi::Function::New(env, PageFlags));
	exports.Set("fileExtents", Napi::Function::New(env, FileExtents));
	exports.Set("deviceAccess", Napi::Function::New(env, DeviceAccess));
	exports.Set("mountFs", Napi::Function::New(env, MountFs));
	exports.Set("umountFs", Napi::Function::New(env, UmountFs));
	exports.Set("MS_NOEXEC", Napi::Number::New(env, MS_NOEXEC));
	exports.Set("F_SEAL_WRITE", Napi::Number::New(env, F_SEAL_WRITE));
	exports.Set("F_SEAL_SHRINK", Napi::Number::New(env, F_SEAL_SHRINK));
	exports.Set("F_SEAL_GROW", Napi::Number::New(env, F_SEAL_GROW));
	exports.Set("F_SEAL_FUTURE_WRITE", Napi::Number::New(env, 0x0010));
}
