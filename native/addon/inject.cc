/*
 * Fault injection for the paths no fixture reaches: one library call in a
 * forked child whose process is changed first -- a seccomp filter that
 * makes one system call (optionally only with one argument value) fail
 * with a chosen errno, or a private mount namespace in which a character
 * device looks like a device DAX to the library. The child exits after the
 * call, so neither the filter nor the mounts ever reach the parent.
 */
#include "entry.h"
#include "missing.h"
#include "pmemset_api.h"
#include "pmemset_entry.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

typedef int (*map_from_existing_fn)(struct pmem2_map **,
	const struct pmem2_source *, void *, size_t, enum pmem2_granularity);
typedef int (*numa_node_fn)(const struct pmem2_source *, int *);
typedef int (*bb_new_fn)(struct pmem2_badblock_context **,
	const struct pmem2_source *);
typedef int (*device_id_fn)(const struct pmem2_source *, char *, size_t *);
typedef int (*device_usc_fn)(const struct pmem2_source *, uint64_t *);
typedef int (*mcsafe_io_fn)(struct pmem2_source *, void *, size_t, size_t);

/* what a file (a sysfs attribute) is replaced with in the child */
enum BindKind {
	BIND_TEXT, /* a file holding `text` */
	BIND_UNOPENABLE, /* a file open(2) refuses for reading (EACCES) */
	BIND_UNREADABLE, /* a file that opens but whose read(2) fails (EIO) */
	BIND_MISSING, /* no such file: its directory shown without it */
};

struct Bind {
	std::string target;
	BindKind kind = BIND_TEXT;
	std::string text;
};

/* a line of a fake bad-block list and the file range it lies under */
struct BadLine {
	std::string text;
	uint64_t offset = 0, length = 0;
	bool cleared = false;
};

struct Injection {
	int nr = -1; /* the system call made to fail; -1: none */
	int err = 0;
	int arg_index = -1; /* match only this argument ... */
	uint64_t arg_value = 0; /* ... with this value */
	bool fake_devdax = false;
	std::vector<Bind> binds; /* files replaced in a private mount ns */
	int swap_fd = -1; /* this descriptor made to name ... */
	std::string swap_dir; /* ... this directory (dup2) */
	std::string rewrite_target; /* a bound file rewritten on a clear */
	std::vector<BadLine> rewrite_lines;
};

/* syscall_nr -- the number of a system call this filter knows, or -1 */
static int
syscall_nr(const std::string &name)
{
	if (name == "munmap")
		return __NR_munmap;
	if (name == "mmap")
		return __NR_mmap;
	if (name == "msync")
		return __NR_msync;
	if (name == "newfstatat")
		return __NR_newfstatat;
	if (name == "openat")
		return __NR_openat;
	if (name == "readlinkat")
		return __NR_readlinkat;
	if (name == "ioctl")
		return __NR_ioctl;
	if (name == "pread64")
		return __NR_pread64;
	if (name == "pwrite64")
		return __NR_pwrite64;
#if defined(__NR_fstat)
	if (name == "fstat")
		return __NR_fstat;
#endif
#if defined(__NR_readlink)
	if (name == "readlink")
		return __NR_readlink;
#endif
	return -1;
}

static Injection
read_injection(Napi::Env env, const Napi::Object &o)
{
	Injection in;
	std::string name;
	if (o.Has("syscall")) {
		Napi::Value v = o.Get("syscall");
		if (!v.IsString())
			throw Napi::TypeError::New(env,
				"injection.syscall must be a string");
		name = v.As<Napi::String>().Utf8Value();
		in.nr = syscall_nr(name);
		if (in.nr < 0)
			throw Napi::TypeError::New(env,
				"unknown system call '" + name +
					"' (known: munmap, mmap, msync, fstat, "
					"newfstatat, openat, readlink, "
					"readlinkat, ioctl, pread64, "
					"pwrite64)");
		int32_t e = 0;
		if (!prop_i32(o, "errno", e) || e <= 0 || e > 4095)
			throw Napi::TypeError::New(env,
				"injection.errno must be 1..4095");
		in.err = e;
		int32_t idx = -1;
		if (prop_i32(o, "argIndex", idx)) {
			if (idx < 0 || idx > 5 ||
				!prop_u64(o, "argValue", in.arg_value))
				throw Napi::TypeError::New(env,
					"injection.argIndex must be 0..5 and "
					"come with argValue");
			in.arg_index = idx;
		}
	}
	prop_bool(o, "fakeDevdax", in.fake_devdax);
	if (o.Has("swapFd")) {
		int32_t fd = -1;
		if (!prop_i32(o, "swapFd", fd) || fd < 3 ||
			!prop_string(o, "swapDir", in.swap_dir) ||
			in.swap_dir.empty() || in.swap_dir[0] != '/')
			throw Napi::TypeError::New(env,
				"injection.swapFd must be a descriptor above 2 "
				"and come with swapDir, an absolute path");
		in.swap_fd = fd;
	}
	if (o.Has("rewriteOnClear")) {
		Napi::Value v = o.Get("rewriteOnClear");
		const char *bad =
			"injection.rewriteOnClear must be {target, "
			"lines: [{text, offset, length}]} (1..8 lines)";
		if (!v.IsObject())
			throw Napi::TypeError::New(env, bad);
		Napi::Object r = v.As<Napi::Object>();
		Napi::Value t = r.Get("target");
		Napi::Value l = r.Get("lines");
		if (!t.IsString() || !l.IsArray())
			throw Napi::TypeError::New(env, bad);
		in.rewrite_target = t.As<Napi::String>().Utf8Value();
		Napi::Array a = l.As<Napi::Array>();
		if (a.Length() < 1 || a.Length() > 8)
			throw Napi::TypeError::New(env, bad);
		for (uint32_t i = 0; i < a.Length(); i++) {
			Napi::Value e = a.Get(i);
			if (!e.IsObject())
				throw Napi::TypeError::New(env, bad);
			Napi::Object lo = e.As<Napi::Object>();
			BadLine line;
			Napi::Value text = lo.Get("text");
			if (!text.IsString() ||
				!prop_u64(lo, "offset", line.offset) ||
				!prop_u64(lo, "length", line.length))
				throw Napi::TypeError::New(env, bad);
			line.text = text.As<Napi::String>().Utf8Value();
			in.rewrite_lines.push_back(line);
		}
	}
	if (o.Has("binds")) {
		Napi::Value v = o.Get("binds");
		if (!v.IsArray())
			throw Napi::TypeError::New(env,
				"injection.binds must be an array");
		Napi::Array arr = v.As<Napi::Array>();
		if (arr.Length() == 0 || arr.Length() > 8)
			throw Napi::TypeError::New(env,
				"injection.binds must hold 1..8 entries");
		for (uint32_t i = 0; i < arr.Length(); i++) {
			Napi::Value e = arr.Get(i);
			if (!e.IsObject())
				throw Napi::TypeError::New(env,
					"injection.binds[] must be objects");
			Napi::Object b = e.As<Napi::Object>();
			Bind bind;
			Napi::Value t = b.Get("target");
			if (!t.IsString() ||
				t.As<Napi::String>().Utf8Value().empty() ||
				t.As<Napi::String>().Utf8Value()[0] != '/')
				throw Napi::TypeError::New(env,
					"injection.binds[].target must be an "
					"absolute path");
			bind.target = t.As<Napi::String>().Utf8Value();
			Napi::Value w = b.Get("with");
			std::string with = w.IsString() ?
				w.As<Napi::String>().Utf8Value() :
				"";
			if (with == "text") {
				Napi::Value x = b.Get("text");
				if (!x.IsString())
					throw Napi::TypeError::New(env,
						"injection.binds[].text must "
						"be a string");
				bind.text = x.As<Napi::String>().Utf8Value();
				if (bind.text.size() > 4096)
					throw Napi::TypeError::New(env,
						"injection.binds[].text is "
						"longer than 4096 bytes");
				bind.kind = BIND_TEXT;
			} else if (with == "unopenable") {
				bind.kind = BIND_UNOPENABLE;
			} else if (with == "unreadable") {
				bind.kind = BIND_UNREADABLE;
			} else if (with == "missing") {
				bind.kind = BIND_MISSING;
			} else {
				throw Napi::TypeError::New(env,
					"injection.binds[].with must be text, "
					"unopenable, unreadable or missing");
			}
			in.binds.push_back(bind);
		}
	}
	return in;
}

/*
 * install_filter -- from now on, the system call `in.nr` (with argument
 * `in.arg_index` equal to `in.arg_value`, when given) fails with `in.err`;
 * every other call is allowed. The argument is compared in two 32-bit
 * halves, as classic BPF loads words.
 */
static int
install_filter(const Injection &in)
{
#if defined(__x86_64__)
	const uint32_t arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	const uint32_t arch = AUDIT_ARCH_AARCH64;
#else
	return ENOSYS;
#endif
	const uint32_t ret_err =
		SECCOMP_RET_ERRNO | ((uint32_t)in.err & SECCOMP_RET_DATA);
	uint32_t lo = (uint32_t)(in.arg_value & 0xffffffffU);
	uint32_t hi = (uint32_t)(in.arg_value >> 32);
	uint32_t arg_off = in.arg_index < 0 ?
		0 :
		(uint32_t)(offsetof(struct seccomp_data, args) +
			8 * (size_t)in.arg_index);
	/* little-endian: the low half first */
	struct sock_filter with_arg[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 6),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)in.nr, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, arg_off),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, lo, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, arg_off + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, hi, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, ret_err),
	};
	struct sock_filter any_arg[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)in.nr, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, ret_err),
	};
	struct sock_fprog prog;
	if (in.arg_index >= 0)
		prog = {(unsigned short)(sizeof(with_arg) /
				sizeof(with_arg[0])),
			with_arg};
	else
		prog = {(unsigned short)(sizeof(any_arg) / sizeof(any_arg[0])),
			any_arg};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		return errno;
	return 0;
}

/* write_text -- a whole small file, created */
static int
write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	int err = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	if (close(fd) != 0 && err == 0)
		err = errno;
	return err;
}

/*
 * fake_devdax -- in a private mount namespace, /sys/dev/char is replaced
 * by a tmpfs in which MAJ:MIN of `dev` has a subsystem link to a
 * directory named "dax": libpmem2 reads that link (realpath of
 * /sys/dev/char/MAJ:MIN/subsystem) to decide that a character device is a
 * device DAX. Everything else of sysfs stays as it is, so libndctl finds
 * no region or namespace for the device. The namespace is made private
 * before the mount, so nothing propagates to the parent's mounts.
 */
static int
fake_devdax(dev_t dev)
{
	if (unshare(CLONE_NEWNS) != 0)
		return errno;
	if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
		return errno;
	if (mount("pmem-conform-fake-devdax", "/sys/dev/char", "tmpfs",
		    MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") != 0)
		return errno;
	char dir[64], link[96];
	(void)snprintf(dir, sizeof(dir), "/sys/dev/char/%u:%u", major(dev),
		minor(dev));
	(void)snprintf(link, sizeof(link), "%s/subsystem", dir);
	if (mkdir("/sys/dev/char/dax", 0755) != 0 || mkdir(dir, 0755) != 0 ||
		symlink("../dax", link) != 0)
		return errno;
	/* what a device DAX holds beside its subsystem link */
	char attr[128];
	(void)snprintf(attr, sizeof(attr), "%s/dev", dir);
	char devtext[32];
	(void)snprintf(devtext, sizeof(devtext), "%u:%u\n", major(dev),
		minor(dev));
	return write_text(attr, devtext);
}

/*
 * private_mounts -- from now on this process has a mount namespace of its
 * own whose mounts propagate nowhere, so what it mounts stays in it
 */
static int
private_mounts(void)
{
	if (unshare(CLONE_NEWNS) != 0)
		return errno;
	if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
		return errno;
	return 0;
}

/*
 * unopenable_file -- a file that exists but that open(2) for reading
 * refuses even for root: a write-only sysfs attribute (kernfs answers
 * EACCES to a read open of an attribute without a show method, whatever
 * the caller's capabilities). Mode 000 would not do: root overrides it.
 */
static const char *
unopenable_file(void)
{
	static const char *const candidates[] = {
		"/sys/bus/platform/drivers_probe",
		"/sys/bus/cpu/drivers_probe",
		"/sys/bus/nd/drivers_probe",
		"/sys/bus/pci/drivers_probe",
	};
	for (const char *c : candidates) {
		int fd = open(c, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			(void)close(fd);
			continue;
		}
		if (errno == EACCES)
			return c;
	}
	return nullptr;
}

/*
 * scratch_mount -- a tmpfs mounted, in this (private) namespace only, on
 * a directory that exists and holds none of the targets, so the texts can
 * be files of a mount of this namespace (mount(2) refuses a bind whose
 * source is a memfd or an unlinked file); unmounted again after the binds
 */
static int
scratch_mount(const std::vector<std::string> &reals, std::string *where)
{
	static const char *const dirs[] = {"/dev/shm", "/run", "/mnt", "/tmp",
		"/media", "/srv"};
	for (const char *d : dirs) {
		struct stat st;
		if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		size_t len = strlen(d);
		bool holds = false;
		for (const std::string &r : reals)
			if (r.compare(0, len, d) == 0 &&
				(r.size() == len || r[len] == '/'))
				holds = true;
		if (holds)
			continue;
		if (mount("pmem-conform-attr", d, "tmpfs",
			    MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") != 0)
			return errno;
		*where = d;
		return 0;
	}
	return ENOENT;
}

/*
 * overlay_dir -- `dir` shown, in this namespace, as a tmpfs that holds
 * each of its entries again -- a file or directory as a bind mount of the
 * original (reached through a descriptor opened before the tmpfs covers
 * it, so an attribute keeps its kernel behaviour), a symlink as a copy --
 * except the names in `drop`; a file of `dir` can then be removed, or
 * added (a sysfs attribute the device lacks) by the caller
 */
static int
overlay_dir(const std::string &dir, const std::vector<std::string> &drop)
{
	int dfd = open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno;
	DIR *d = opendir(dir.c_str());
	if (d == nullptr)
		return errno;
	struct Entry {
		std::string name;
		mode_t mode;
		std::string link;
	};
	std::vector<Entry> entries;
	int err = 0;
	struct dirent *e;
	while (err == 0 && (e = readdir(d)) != nullptr) {
		std::string name = e->d_name;
		if (name == "." || name == ".." ||
			std::find(drop.begin(), drop.end(), name) != drop.end())
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) !=
			0) {
			err = errno;
			break;
		}
		Entry en{name, st.st_mode, std::string()};
		if (S_ISLNK(st.st_mode)) {
			char buf[PATH_MAX];
			ssize_t n = readlinkat(dirfd(d), e->d_name, buf,
				sizeof(buf) - 1);
			if (n < 0) {
				err = errno;
				break;
			}
			en.link.assign(buf, (size_t)n);
		}
		entries.push_back(en);
	}
	if (closedir(d) != 0 && err == 0)
		err = errno;
	if (err)
		return err;
	if (mount("pmem-conform-attr", dir.c_str(), "tmpfs",
		    MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") != 0)
		return errno;
	for (const Entry &en : entries) {
		std::string at = dir + "/" + en.name;
		if (S_ISLNK(en.mode)) {
			if (symlink(en.link.c_str(), at.c_str()) != 0)
				return errno;
			continue;
		}
		if (S_ISDIR(en.mode)) {
			if (mkdir(at.c_str(), 0755) != 0)
				return errno;
		} else {
			int fd = open(at.c_str(),
				O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
			if (fd < 0)
				return errno;
			(void)close(fd);
		}
		std::string from =
			"/proc/self/fd/" + std::to_string(dfd) + "/" + en.name;
		if (mount(from.c_str(), at.c_str(), nullptr, MS_BIND | MS_REC,
			    nullptr) != 0)
			return errno;
	}
	/* dfd stays open until the child exits: closing it changes nothing */
	return 0;
}

/*
 * apply_binds -- in a private mount namespace, each target (its real
 * path, so that every symlink that leads to it sees the change) is
 * covered by a bind mount of: a file holding the text; a write-only
 * sysfs attribute (open fails); or this process's /proc/PID/mem, which
 * opens and fails every read at offset 0 with EIO (nothing is mapped at
 * address 0). A missing target, and a text for a target that does not
 * exist, change its directory instead (overlay_dir).
 */
static int
apply_binds(const std::vector<Bind> &binds, std::string *failed)
{
	int err = private_mounts();
	if (err)
		return err;
	std::vector<std::string> reals;
	std::vector<bool> in_dir; /* the change is made to the directory */
	bool texts = false;
	for (const Bind &b : binds) {
		*failed = b.target;
		char real[PATH_MAX];
		bool exists = realpath(b.target.c_str(), real) != nullptr;
		if (!exists && (errno != ENOENT || b.kind != BIND_TEXT))
			return errno;
		if (!exists || b.kind == BIND_MISSING) {
			size_t slash = b.target.find_last_of('/');
			std::string parent = b.target.substr(0, slash);
			if (realpath(parent.empty() ? "/" : parent.c_str(),
				    real) == nullptr)
				return errno;
			reals.push_back(std::string(real) + "/" +
				b.target.substr(slash + 1));
			in_dir.push_back(true);
		} else {
			reals.push_back(real);
			in_dir.push_back(false);
		}
		texts = texts || b.kind == BIND_TEXT;
	}
	/* each directory changed once, without every name it loses or gains */
	std::vector<std::string> dirs;
	for (size_t i = 0; i < binds.size(); i++) {
		if (!in_dir[i])
			continue;
		std::string dir =
			reals[i].substr(0, reals[i].find_last_of('/'));
		if (std::find(dirs.begin(), dirs.end(), dir) != dirs.end())
			continue;
		std::vector<std::string> drop;
		for (size_t j = 0; j < binds.size(); j++)
			if (in_dir[j] &&
				reals[j].compare(0, dir.size() + 1,
					dir + "/") == 0)
				drop.push_back(reals[j].substr(dir.size() + 1));
		*failed = dir;
		if ((err = overlay_dir(dir, drop)) != 0)
			return err;
		dirs.push_back(dir);
	}
	std::string scratch;
	if (texts && (err = scratch_mount(reals, &scratch)) != 0) {
		*failed = "a scratch tmpfs";
		return err;
	}
	for (size_t i = 0; i < binds.size(); i++) {
		const Bind &b = binds[i];
		*failed = b.target;
		if (b.kind == BIND_MISSING)
			continue; /* its directory no longer shows it */
		std::string src;
		if (b.kind == BIND_TEXT) {
			src = scratch + "/" + std::to_string(i);
			err = write_text(src.c_str(), b.text.c_str());
			if (err)
				return err;
		} else if (b.kind == BIND_UNOPENABLE) {
			const char *f = unopenable_file();
			if (f == nullptr)
				return ENOENT;
			src = f;
		} else {
			src = "/proc/" + std::to_string(getpid()) + "/mem";
		}
		if (in_dir[i]) {
			/* a name the directory lacked: a placeholder to cover */
			int fd = open(reals[i].c_str(),
				O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
			if (fd < 0)
				return errno;
			(void)close(fd);
		}
		if (mount(src.c_str(), reals[i].c_str(), nullptr, MS_BIND,
			    nullptr) != 0)
			return errno;
	}
	/* the binds hold their files; the directory is given back */
	if (!scratch.empty() && umount2(scratch.c_str(), MNT_DETACH) != 0) {
		*failed = scratch;
		return errno;
	}
	failed->clear();
	return 0;
}

struct InjectReport {
	int stage; /* 0: the call ran; 1: setting up the condition failed */
	int code;
	int has_value; /* the call's output, when it succeeded */
	uint64_t value;
	char message[512];
	char text[512]; /* read_file: what the child read */
	int n_events; /* set_map with a log: the events recorded */
	ChildEvent events[16];
	int rewrites; /* rewriteOnClear: lists rewritten, and the errno of */
	int rewrite_err; /* the first rewrite that failed */
};

/* what the child is asked to do; resolved before fork */
struct InjectOp {
	std::string name;
	pmem2_config *cfg = nullptr;
	pmem2_source *src = nullptr;
	pmem2_map *map = nullptr;
	uint64_t a = 0, b = 0, c = 0;
	std::string path; /* read_file */
	const PmemsetApi *set_lib = nullptr; /* set_map, set_remove_range */
	pmemset *set = nullptr;
	pmemset_source *set_src = nullptr;
	void *sds_box = nullptr;
	int64_t log_id = -1; /* set_map: the event log reported */
};

/* the child's fake bad-block list (rewriteOnClear) and its report */
static std::vector<BadLine> *child_lines;
static std::string child_list;
static InjectReport *child_rep;

/*
 * badblock_cleared -- the child's hook after the callback cleared a bad
 * block: the lines under the cleared range leave the fake list, as the
 * kernel drops cleared poison from a device's badblocks
 */
static void
badblock_cleared(uint64_t offset, uint64_t length)
{
	std::string text;
	for (BadLine &l : *child_lines) {
		if (l.offset >= offset &&
			l.offset + l.length <= offset + length)
			l.cleared = true;
		if (!l.cleared)
			text += l.text;
	}
	int err = write_text(child_list.c_str(), text.c_str());
	child_rep->rewrites++;
	if (err && child_rep->rewrite_err == 0)
		child_rep->rewrite_err = err;
}

/*
 * devdax_call -- the op on a source of /dev/zero made after the device was
 * made to look like a device DAX; /dev/zero because it can be mapped
 * shared, as a device DAX can
 */
static int
devdax_call(const Pmem2Api &lib, const InjectOp &op, int *stage)
{
	int fd = open("/dev/zero", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*stage = 1;
		return errno;
	}
	pmem2_source *src = nullptr;
	int ret = lib.pmem2_source_from_fd(&src, fd);
	if (op.name == "devdax_source_from_fd" || ret != 0)
		return ret;
	if (op.name == "devdax_source_size") {
		size_t size = 0;
		return lib.pmem2_source_size(src, &size);
	}
	if (op.name == "devdax_source_alignment") {
		size_t al = 0;
		return lib.pmem2_source_alignment(src, &al);
	}
	if (op.name == "devdax_map_new") {
		pmem2_config *cfg = nullptr;
		ret = lib.pmem2_config_new(&cfg);
		if (ret == 0)
			ret = lib.pmem2_config_set_required_store_granularity(
				cfg, PMEM2_GRANULARITY_PAGE);
		if (ret == 0)
			ret = lib.pmem2_config_set_length(cfg, op.a);
		if (ret != 0) {
			*stage = 1;
			return -ret;
		}
		pmem2_map *m = nullptr;
		return lib.pmem2_map_new(&m, cfg, src);
	}
	void *dl = lib.dl;
	if (op.name == "devdax_deep_flush") {
		auto from_existing = reinterpret_cast<map_from_existing_fn>(
			dlsym(dl, "pmem2_map_from_existing"));
		if (from_existing == nullptr) {
			*stage = 1;
			return ENOSYS;
		}
		void *p = mmap(nullptr, op.a, PROT_READ | PROT_WRITE,
			MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			*stage = 1;
			return errno;
		}
		pmem2_map *m = nullptr;
		ret = from_existing(&m, src, p, op.a,
			PMEM2_GRANULARITY_CACHE_LINE);
		if (ret != 0) {
			*stage = 1;
			return -ret;
		}
		return lib.pmem2_deep_flush(m, p, op.a);
	}
	if (op.name == "devdax_numa_node") {
		auto fn = reinterpret_cast<numa_node_fn>(
			dlsym(dl, "pmem2_source_numa_node"));
		int node = 0;
		return fn ? fn(src, &node) : (*stage = 1, ENOSYS);
	}
	if (op.name == "devdax_badblock_context_new") {
		auto fn = reinterpret_cast<bb_new_fn>(
			dlsym(dl, "pmem2_badblock_context_new"));
		pmem2_badblock_context *ctx = nullptr;
		return fn ? fn(&ctx, src) : (*stage = 1, ENOSYS);
	}
	if (op.name == "devdax_device_id") {
		auto fn = reinterpret_cast<device_id_fn>(
			dlsym(dl, "pmem2_source_device_id"));
		size_t len = 0;
		return fn ? fn(src, nullptr, &len) : (*stage = 1, ENOSYS);
	}
	if (op.name == "devdax_device_usc") {
		auto fn = reinterpret_cast<device_usc_fn>(
			dlsym(dl, "pmem2_source_device_usc"));
		uint64_t usc = 0;
		return fn ? fn(src, &usc) : (*stage = 1, ENOSYS);
	}
	*stage = 1;
	return EINVAL;
}

/*
 * source_call -- the op on a source the parent made (its descriptor is
 * inherited), so that only what the library reads during the call meets
 * the condition; `value` is the call's output when it returns 0
 */
static int
source_call(const Pmem2Api &lib, const InjectOp &op, InjectReport *rep,
	int *stage)
{
	void *dl = lib.dl;
	int ret;
	if (op.name == "source_size") {
		size_t size = 0;
		ret = lib.pmem2_source_size(op.src, &size);
		rep->value = size;
	} else if (op.name == "source_alignment") {
		size_t al = 0;
		ret = lib.pmem2_source_alignment(op.src, &al);
		rep->value = al;
	} else if (op.name == "numa_node") {
		auto fn = reinterpret_cast<numa_node_fn>(
			dlsym(dl, "pmem2_source_numa_node"));
		if (fn == nullptr) {
			*stage = 1;
			return ENOSYS;
		}
		int node = -1;
		ret = fn(op.src, &node);
		rep->value = (uint64_t)(int64_t)node;
	} else if (op.name == "badblock_context_new") {
		auto fn = reinterpret_cast<bb_new_fn>(
			dlsym(dl, "pmem2_badblock_context_new"));
		if (fn == nullptr) {
			*stage = 1;
			return ENOSYS;
		}
		pmem2_badblock_context *ctx = nullptr;
		ret = fn(&ctx, op.src);
		/* the child exits at once: the context dies with it */
		rep->value = ctx != nullptr;
	} else if (op.name == "device_id") {
		auto fn = reinterpret_cast<device_id_fn>(
			dlsym(dl, "pmem2_source_device_id"));
		if (fn == nullptr) {
			*stage = 1;
			return ENOSYS;
		}
		size_t len = 0;
		ret = fn(op.src, nullptr, &len);
		rep->value = len;
	} else if (op.name == "source_pread" || op.name == "source_pwrite") {
		bool rd = op.name == "source_pread";
		auto fn = reinterpret_cast<mcsafe_io_fn>(dlsym(dl,
			rd ? "pmem2_source_pread_mcsafe" :
			     "pmem2_source_pwrite_mcsafe"));
		/* calloc: a write stores zeros, which the parent can tell */
		void *buf = calloc(1, op.a ? op.a : 1);
		if (fn == nullptr || buf == nullptr) {
			*stage = 1;
			free(buf);
			return fn == nullptr ? ENOSYS : ENOMEM;
		}
		ret = fn(op.src, buf, op.a, op.b);
		free(buf);
		rep->value = 0;
	} else {
		auto fn = reinterpret_cast<device_usc_fn>(
			dlsym(dl, "pmem2_source_device_usc"));
		if (fn == nullptr) {
			*stage = 1;
			return ENOSYS;
		}
		uint64_t usc = 0;
		ret = fn(op.src, &usc);
		rep->value = usc;
	}
	rep->has_value = ret == 0;
	return ret;
}

/*
 * read_file -- the op that calls no library: open and read `path` as
 * libndctl reads a sysfs attribute, so a bind can be checked anywhere;
 * the text read is reported, or the errno of the step that failed
 */
static int
read_file(const std::string &path, InjectReport *rep)
{
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		(void)snprintf(rep->text, sizeof(rep->text), "open");
		return errno;
	}
	ssize_t n = read(fd, rep->text, sizeof(rep->text) - 1);
	int err = n < 0 ? errno : 0;
	(void)close(fd);
	if (n < 0) {
		(void)snprintf(rep->text, sizeof(rep->text), "read");
		return err;
	}
	rep->text[n] = '\0';
	return 0;
}

static bool
is_source_op(const std::string &name)
{
	return name == "source_size" || name == "source_alignment" ||
		name == "numa_node" || name == "badblock_context_new" ||
		name == "device_id" || name == "device_usc" ||
		name == "source_pread" || name == "source_pwrite";
}

/*
 * child_run -- the child's part: the condition, then exactly one call of
 * the library (a reservation the call needs is made before the filter,
 * so that only the call under test meets it)
 */
static void
child_run(const Pmem2Api &lib, const Injection &in, const InjectOp &op,
	InjectReport *rep)
{
	int stage = 0;
	pmem2_vm_reservation *rsv = nullptr;
	if (op.name.rfind("reservation_", 0) == 0) {
		int ret = lib.pmem2_vm_reservation_new(&rsv, nullptr, op.a);
		if (ret != 0) {
			rep->stage = 1;
			rep->code = -ret;
			return;
		}
	}
	if (in.fake_devdax) {
		struct stat st;
		int err = stat("/dev/zero", &st) != 0 ? errno :
							fake_devdax(st.st_rdev);
		if (err) {
			rep->stage = 1;
			rep->code = err;
			return;
		}
	}
	if (!in.binds.empty()) {
		std::string failed;
		int err = apply_binds(in.binds, &failed);
		if (err) {
			rep->stage = 1;
			rep->code = err;
			(void)snprintf(rep->text, sizeof(rep->text), "%s",
				failed.c_str());
			return;
		}
	}
	if (in.swap_fd >= 0) {
		/* the descriptor the source recorded now names a directory */
		int d = open(in.swap_dir.c_str(),
			O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int err = d < 0 ? errno : 0;
		if (d >= 0 && dup2(d, in.swap_fd) < 0)
			err = errno;
		if (d >= 0)
			(void)close(d);
		if (err) {
			rep->stage = 1;
			rep->code = err;
			(void)snprintf(rep->text, sizeof(rep->text), "%s",
				in.swap_dir.c_str());
			return;
		}
	}
	if (!in.rewrite_target.empty()) {
		child_lines =
			const_cast<std::vector<BadLine> *>(&in.rewrite_lines);
		child_list = in.rewrite_target;
		child_rep = rep;
		pmemset_badblock_cleared_hook = badblock_cleared;
	}
	if (in.nr >= 0) {
		int err = install_filter(in);
		if (err) {
			rep->stage = 1;
			rep->code = err;
			return;
		}
	}
	int code;
	if (op.name == "map_new") {
		pmem2_map *m = nullptr;
		code = lib.pmem2_map_new(&m, op.cfg, op.src);
	} else if (op.name == "deep_flush") {
		char *base =
			static_cast<char *>(lib.pmem2_map_get_address(op.map));
		code = lib.pmem2_deep_flush(op.map, base + op.a, op.b);
	} else if (op.name == "reservation_delete") {
		code = lib.pmem2_vm_reservation_delete(&rsv);
	} else if (op.name == "reservation_shrink") {
		code = lib.pmem2_vm_reservation_shrink(rsv, op.b, op.c);
	} else if (op.name == "reservation_extend") {
		code = lib.pmem2_vm_reservation_extend(rsv, op.b);
	} else if (op.name == "set_remove_range") {
		code = op.set_lib->pmemset_remove_range(op.set,
			reinterpret_cast<void *>(op.a), op.b);
	} else if (op.name == "set_deep_flush") {
		code = op.set_lib->pmemset_deep_flush(op.set,
			reinterpret_cast<void *>(op.a), op.b);
	} else if (is_source_op(op.name)) {
		code = source_call(lib, op, rep, &stage);
	} else if (op.name == "read_file") {
		code = read_file(op.path, rep);
	} else if (op.name == "set_map") {
		/* the set's parts mapped `a` times, as far as the first failure */
		code = 0;
		for (uint64_t i = 0; i < op.a && code == 0; i++)
			code = op.set_lib->pmemset_map(op.set, op.set_src,
				nullptr, nullptr);
		if (op.sds_box != nullptr) {
			rep->value = (uint64_t)sds_box_state(op.sds_box);
			rep->has_value = 1;
		}
		if (op.log_id >= 0)
			rep->n_events = pmemset_events_copy((uint64_t)op.log_id,
				rep->events, 16);
	} else {
		code = devdax_call(lib, op, &stage);
	}
	rep->stage = stage;
	rep->code = code;
}

/*
 * ForkInject -- forkInject(injection, op, ...args) -> {stage, code,
 * message?} or {signal}. injection: {syscall?, errno?, argIndex?,
 * argValue?, fakeDevdax?, binds?, swapFd?, swapDir?} (swapFd: dup2 of the
 * directory swapDir over that descriptor before the call). Ops: "map_new"(config, source),
 * "deep_flush"(map, offset, length), "reservation_delete"(size),
 * "reservation_shrink"(size, offset, length), "reservation_extend"(size,
 * length), "set_remove_range"(set, address, length): pmemset_remove_range
 * of the loaded libpmemset, and with fakeDevdax "devdax_source_from_fd",
 * "devdax_source_size", "devdax_source_alignment", "devdax_map_new"(length),
 * "devdax_deep_flush"(length), "devdax_numa_node",
 * "devdax_badblock_context_new", "devdax_device_id", "devdax_device_usc";
 * on a source the parent made: "source_size", "source_alignment",
 * "numa_node", "badblock_context_new", "device_id" (the length asked),
 * "device_usc"(source), each giving `value` on success,
 * "source_pread"/"source_pwrite"(source, length, offset): the mcsafe I/O
 * (a write stores zeros); and
 * "read_file"(path), no library call, giving `text` (or the errno, with
 * "open" or "read" in `text`). binds: [{target, with: "text"|"unopenable"|
 * "unreadable"|"missing", text?}] replaces files in a private mount
 * namespace. "set_map"(set, source, sds|null, times): pmemset_map of the
 * source into the set `times` times (libpmemset), `value` the SDS
 * record's part state.
 * stage "setup": putting the child into the condition failed, code is the
 * errno (or the negated library code) of that step.
 */
static Napi::Value
ForkInject(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	Injection in = read_injection(env, arg_object(info, 0, "injection"));
	InjectOp op;
	op.name = arg_string(info, 1, "operation");
	const Pmem2Api &lib = api(env);
	if (op.name == "map_new") {
		op.cfg = static_cast<pmem2_config *>(
			handle_get(info[2], HK_CONFIG)->ptr);
		op.src = static_cast<pmem2_source *>(
			handle_get(info[3], HK_SOURCE)->ptr);
	} else if (op.name == "deep_flush") {
		op.map = static_cast<pmem2_map *>(
			handle_get(info[2], HK_MAP)->ptr);
		op.a = arg_u64(info, 3, "offset");
		op.b = arg_u64(info, 4, "length");
	} else if (op.name == "reservation_delete") {
		op.a = arg_u64(info, 2, "size");
	} else if (op.name == "reservation_shrink") {
		op.a = arg_u64(info, 2, "size");
		op.b = arg_u64(info, 3, "offset");
		op.c = arg_u64(info, 4, "length");
	} else if (op.name == "reservation_extend") {
		op.a = arg_u64(info, 2, "size");
		op.b = arg_u64(info, 3, "length");
	} else if (op.name == "set_remove_range" ||
		op.name == "set_deep_flush") {
		op.set_lib = pmemset_api();
		if (op.set_lib == nullptr)
			throw Napi::Error::New(env, "libpmemset is not loaded");
		missing_require("libpmemset", op.set_lib->missing,
			op.name == "set_deep_flush" ? "pmemset_deep_flush" :
						      "pmemset_remove_range");
		op.set = static_cast<pmemset *>(
			handle_get(info[2], HK_SET)->ptr);
		op.a = arg_u64(info, 3, "address");
		op.b = arg_u64(info, 4, "length");
	} else if (is_source_op(op.name)) {
		op.src = static_cast<pmem2_source *>(
			handle_get(info[2], HK_SOURCE)->ptr);
		if (op.name == "source_pread" || op.name == "source_pwrite") {
			op.a = arg_u64(info, 3, "length");
			op.b = arg_u64(info, 4, "offset");
		}
	} else if (op.name == "read_file") {
		op.path = arg_string(info, 2, "path");
	} else if (op.name == "set_map") {
		op.set_lib = &set_api(env);
		op.set = set_ptr<pmemset>(info[2], HK_SET);
		op.set_src = set_ptr<pmemset_source>(info[3], HK_SET_SOURCE);
		if (!info[4].IsNull() && !info[4].IsUndefined())
			op.sds_box = handle_get(info[4], HK_SET_SDS)->ptr;
		op.a = arg_u64(info, 5, "times");
		if (op.a < 1 || op.a > 8)
			throw Napi::TypeError::New(env, "times must be 1..8");
		if (arg_present(info, 6))
			op.log_id = (int64_t)arg_u64(info, 6, "log id");
	} else if (op.name.rfind("devdax_", 0) == 0) {
		if (!in.fake_devdax)
			throw Napi::TypeError::New(env,
				op.name + " needs injection.fakeDevdax");
		if (op.name == "devdax_map_new" ||
			op.name == "devdax_deep_flush")
			op.a = arg_u64(info, 2, "length");
	} else {
		throw Napi::TypeError::New(env,
			"unknown child operation '" + op.name + "'");
	}

	int pipefd[2];
	pid_t pid = fork_piped(env, pipefd);
	if (pid == 0) {
		(void)close(pipefd[0]); /* changes nothing in the child */
		InjectReport rep;
		memset(&rep, 0, sizeof(rep));
		child_run(lib, in, op, &rep);
		if (rep.stage == 1) {
			/* cut to the report's size on purpose */
			std::string m = rep.text[0] ?
				std::string(rep.text) + ": " :
				std::string();
			m += strerror(rep.code < 0 ? -rep.code : rep.code);
			size_t n = std::min(m.size(), sizeof(rep.message) - 1);
			memcpy(rep.message, m.data(), n);
			rep.message[n] = '\0';
		} else if (rep.code != 0 && op.set_lib != nullptr) {
			const char *m = op.set_lib->pmemset_errormsg();
			(void)snprintf(rep.message, sizeof(rep.message), "%s",
				m ? m : "");
		} else if (rep.code != 0) {
			const char *m = lib.pmem2_errormsg();
			(void)snprintf(rep.message, sizeof(rep.message), "%s",
				m ? m : "");
		}
		write_report(pipefd[1], &rep, sizeof(rep));
		_exit(0);
	}
	InjectReport rep;
	int read_err;
	bool complete;
	int status = reap_report(env, pid, pipefd, &rep, sizeof(rep), &complete,
		&read_err);
	Napi::Object r = Napi::Object::New(env);
	if (WIFSIGNALED(status)) {
		r.Set("signal", Napi::Number::New(env, WTERMSIG(status)));
		return r;
	}
	if (read_err != 0 || !complete)
		throw Napi::Error::New(env, "child exited without a report");
	r.Set("stage", Napi::String::New(env, rep.stage ? "setup" : "call"));
	r.Set("code", Napi::Number::New(env, rep.code));
	if (rep.message[0])
		r.Set("message", Napi::String::New(env, rep.message));
	if (rep.stage == 0 && rep.has_value)
		r.Set("value",
			Napi::BigInt::New(env,
				static_cast<uint64_t>(rep.value)));
	if (rep.stage == 0 && op.name == "read_file")
		r.Set("text", Napi::String::New(env, rep.text));
	if (rep.stage == 0 && op.log_id >= 0) {
		if (rep.n_events < 0)
			throw Napi::RangeError::New(env, "no such event log");
		Napi::Array ev = Napi::Array::New(env, (size_t)rep.n_events);
		for (int i = 0; i < rep.n_events && i < 16; i++) {
			const ChildEvent &e = rep.events[i];
			Napi::Object o = Napi::Object::New(env);
			o.Set("type",
				Napi::String::New(env,
					pmemset_event_name(e.type)));
			o.Set("value", Napi::Number::New(env, e.value));
			if (e.type == PMEMSET_EVENT_BADBLOCK) {
				o.Set("badblockOffset",
					Napi::BigInt::New(env, e.offset));
				o.Set("badblockLength",
					Napi::BigInt::New(env, e.length));
			}
			ev.Set((uint32_t)i, o);
		}
		r.Set("events", ev);
	}
	if (!in.rewrite_target.empty()) {
		r.Set("rewrites", Napi::Number::New(env, rep.rewrites));
		r.Set("rewriteErrno", Napi::Number::New(env, rep.rewrite_err));
	}
	return r;
}

void
inject_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("forkInject", Napi::Function::New(env, ForkInject));
}
