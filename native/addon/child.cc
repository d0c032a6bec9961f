/*
 * Calls that need a changed process (an address-space limit, locked
 * memory, dropped capabilities) run in a forked child, so the runner's own
 * process is never left limited. The child inherits the parent's libpmem2
 * objects by address, makes exactly one library call and reports its code.
 */
#include "entry.h"
#include "missing.h"
#include "pmemset_api.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct ChildReport {
	int stage; /* 0: the call ran; 1: setting up the condition failed */
	int code; /* the call's return value, or errno of the setup step */
	int has_growth;
	uint64_t growth; /* address space gained from the limit to the report */
	char message[512];
};

struct Conditions {
	bool has_as = false;
	uint64_t as_headroom = 0;
	bool has_memlock = false;
	uint64_t rlimit_memlock = 0;
	bool mlockall_future = false;
	std::vector<int32_t> drop_caps;
	std::vector<int32_t> close_fds;
};

static Conditions
read_conditions(const Napi::Object &o)
{
	Conditions c;
	c.has_as = prop_u64(o, "addressSpaceHeadroom", c.as_headroom);
	c.has_memlock = prop_u64(o, "rlimitMemlock", c.rlimit_memlock);
	prop_bool(o, "mlockallFuture", c.mlockall_future);
	prop_i32_array(o, "dropCaps", c.drop_caps);
	prop_i32_array(o, "closeFds", c.close_fds);
	return c;
}

static int
drop_capabilities(const std::vector<int> &caps)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0)
		return errno;
	for (int cap : caps) {
		unsigned idx = (unsigned)cap / 32,
			 bit = 1U << ((unsigned)cap % 32);
		if (idx > 1)
			return EINVAL;
		data[idx].effective &= ~bit;
		data[idx].permitted &= ~bit;
		data[idx].inheritable &= ~bit;
	}
	if (syscall(SYS_capset, &hdr, data) != 0)
		return errno;
	return 0;
}

/*
 * vm_size -- the child's address-space size in bytes (first field of
 * /proc/self/statm, in pages), read without allocating: the child of a
 * multi-threaded parent must not call malloc.
 */
static int
vm_size(uint64_t *out)
{
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	char buf[128];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int err = n < 0 ? errno : 0;
	(void)close(fd); /* read-only: a failed close loses nothing */
	if (n <= 0)
		return err ? err : EIO;
	buf[n] = '\0';
	uint64_t pages = 0;
	const char *p = buf;
	if (*p < '0' || *p > '9')
		return EPROTO;
	for (; *p >= '0' && *p <= '9'; p++)
		pages = pages * 10 + (uint64_t)(*p - '0');
	long psz = sysconf(_SC_PAGESIZE);
	if (psz <= 0)
		return EINVAL;
	*out = pages * (uint64_t)psz;
	return 0;
}

/*
 * apply -- puts the child into the requested condition; returns 0, or the
 * errno of the step that failed.
 *
 * The address-space limit is the child's current size plus a headroom, not
 * an absolute value: a limit below the current size starves everything,
 * including a sanitizer runtime preloaded into the child, which then dies
 * allocating its own bookkeeping (AddressSanitizer's stack depot, 64 KiB a
 * chunk) before the library's error path is reached. With the headroom the
 * runtime and small allocations still fit, and the caller makes the
 * library's mapping far larger than the headroom, so the mmap still fails.
 */
static int
apply(const Conditions &c, uint64_t *as_base)
{
	for (int fd : c.close_fds)
		if (close(fd) != 0)
			return errno;
	if (!c.drop_caps.empty()) {
		int err = drop_capabilities(c.drop_caps);
		if (err)
			return err;
	}
	if (c.has_memlock) {
		struct rlimit rl = {c.rlimit_memlock, c.rlimit_memlock};
		if (setrlimit(RLIMIT_MEMLOCK, &rl) != 0)
			return errno;
	}
	if (c.mlockall_future && mlockall(MCL_FUTURE) != 0)
		return errno;
	if (c.has_as) {
		uint64_t size = 0;
		int err = vm_size(&size);
		if (err)
			return err;
		*as_base = size;
		struct rlimit rl = {size + c.as_headroom, size + c.as_headroom};
		if (setrlimit(RLIMIT_AS, &rl) != 0)
			return errno;
	}
	return 0;
}

/*
 * write_report -- in a child: writes all of a report to fd; a short write
 * is exit status 3, which the parent reads as no report
 */
void
write_report(int fd, const void *buf, size_t len)
{
	const char *p = static_cast<const char *>(buf);
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		p += n;
		len -= (size_t)n;
	}
}

/*
 * forkCall(conditions, op, ...args) -> {stage, code, message} or
 * {signal} when the child died. Ops: "map_new"(config, source) and
 * "reservation_new"(address, size).
 */
static Napi::Value
ForkCall(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	Conditions cond = read_conditions(arg_object(info, 0, "conditions"));
	std::string op = arg_string(info, 1, "operation");
	const Pmem2Api &lib = api(env);

	/* resolve every argument before fork: the child must not touch JS */
	pmem2_config *cfg = nullptr;
	pmem2_source *src = nullptr;
	uint64_t addr = 0, size = 0;
	pmemset *set = nullptr;
	pmemset_source *set_src = nullptr;
	pmemset_map_config *set_mc = nullptr;
	pmemset_part *set_part = nullptr;
	const PmemsetApi *setlib = pmemset_api();
	if (op == "pmemset_map") {
		if (setlib == nullptr)
			throw Napi::Error::New(env, "libpmemset is not loaded");
		set = static_cast<pmemset *>(handle_get(info[2], HK_SET)->ptr);
		set_src = static_cast<pmemset_source *>(
			handle_get(info[3], HK_SET_SOURCE)->ptr);
		HandleRecord *mc =
			handle_get_optional(info[4], HK_SET_MAP_CONFIG);
		set_mc = mc ? static_cast<pmemset_map_config *>(mc->ptr) :
			      nullptr;
	} else if (op == "pmemset_part_map") {
		if (setlib == nullptr)
			throw Napi::Error::New(env, "libpmemset is not loaded");
		set_part = static_cast<pmemset_part *>(
			handle_get(info[2], HK_SET_PART)->ptr);
	} else if (op == "map_new") {
		cfg = static_cast<pmem2_config *>(
			handle_get(info[2], HK_CONFIG)->ptr);
		src = static_cast<pmem2_source *>(
			handle_get(info[3], HK_SOURCE)->ptr);
	} else if (op == "reservation_new") {
		addr = arg_u64(info, 2, "address");
		size = arg_u64(info, 3, "size");
	} else {
		throw Napi::TypeError::New(env,
			"unknown child operation '" + op + "'");
	}

	/* a function the build lacks is the parent's error, not the child's */
	if (op == "pmemset_map" || op == "pmemset_part_map")
		missing_require("libpmemset", setlib->missing, op.c_str());
	else
		missing_require("libpmem2", lib.missing,
			op == "map_new" ? "pmem2_map_new" :
					  "pmem2_vm_reservation_new");

	int pipefd[2];
	pid_t pid = fork_piped(env, pipefd);
	if (pid == 0) {
		/* an unclosed read end in the child changes nothing */
		(void)close(pipefd[0]);
		ChildReport rep;
		memset(&rep, 0, sizeof(rep));
		uint64_t as_base = 0;
		int err = apply(cond, &as_base);
		if (err) {
			rep.stage = 1;
			rep.code = err;
			/* messages are cut to the report's size on purpose */
			(void)snprintf(rep.message, sizeof(rep.message), "%s",
				strerror(err));
		} else if (op == "map_new") {
			pmem2_map *m = nullptr;
			rep.code = lib.pmem2_map_new(&m, cfg, src);
		} else if (op == "pmemset_map") {
			rep.code = setlib->pmemset_map(set, set_src, set_mc,
				nullptr);
		} else if (op == "pmemset_part_map") {
			rep.code = setlib->pmemset_part_map(&set_part, nullptr,
				nullptr);
		} else {
			pmem2_vm_reservation *r = nullptr;
			rep.code = lib.pmem2_vm_reservation_new(&r,
				reinterpret_cast<void *>(addr), size);
		}
		if (rep.stage == 0 && rep.code != 0) {
			const char *m = op.rfind("pmemset_", 0) == 0 ?
				setlib->pmemset_errormsg() :
				lib.pmem2_errormsg();
			(void)snprintf(rep.message, sizeof(rep.message), "%s",
				m ? m : "");
		}
		uint64_t now = 0;
		if (cond.has_as && rep.stage == 0 && vm_size(&now) == 0) {
			rep.has_growth = 1;
			rep.growth = now > as_base ? now - as_base : 0;
		}
		write_report(pipefd[1], &rep, sizeof(rep));
		_exit(0);
	}

	ChildReport rep;
	int read_err;
	bool complete;
	int status = reap_report(env, pid, pipefd, &rep, sizeof(rep), &complete,
		&read_err);
	if (read_err != 0)
		throw Napi::Error::New(env,
			std::string("reading the child's report: ") +
				strerror(read_err));

	Napi::Object r = Napi::Object::New(env);
	if (WIFSIGNALED(status)) {
		r.Set("signal", Napi::Number::New(env, WTERMSIG(status)));
		return r;
	}
	if (!complete)
		throw Napi::Error::New(env, "child exited without a report");
	r.Set("stage", Napi::String::New(env, rep.stage ? "setup" : "call"));
	r.Set("code", Napi::Number::New(env, rep.code));
	if (rep.message[0])
		r.Set("message", Napi::String::New(env, rep.message));
	if (rep.has_growth)
		r.Set("addressSpaceGrowth",
			Napi::Number::New(env, (double)rep.growth));
	return r;
}

pid_t
fork_piped(Napi::Env env, int pipefd[2])
{
	if (pipe(pipefd) != 0)
		throw Napi::Error::New(env,
			std::string("pipe: ") + strerror(errno));
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/*
		 * A child that hangs (a sanitizer runtime deadlocking on a lock
		 * another thread held at fork) must not outlive a worker the
		 * runner kills for its timeout: it holds the worker's inherited
		 * descriptors, and the runner waits for them to close.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 ||
			getppid() != parent)
			_exit(126);
		return 0;
	}
	if (pid < 0) {
		int err = errno;
		/* the fork error is the one to report */
		(void)close(pipefd[0]);
		(void)close(pipefd[1]);
		throw Napi::Error::New(env,
			std::string("fork: ") + strerror(err));
	}
	return pid;
}

size_t
read_full(int fd, void *buf, size_t len, int *err)
{
	size_t got = 0;
	*err = 0;
	while (got < len) {
		ssize_t n = read(fd, static_cast<char *>(buf) + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			*err = errno;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

int
wait_child(Napi::Env env, pid_t pid)
{
	int status = 0;
	pid_t w;
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (w < 0)
		throw Napi::Error::New(env,
			std::string("waitpid: ") + strerror(errno));
	return status;
}

int
reap_report(Napi::Env env, pid_t pid, int pipefd[2], void *buf, size_t len,
	bool *complete, int *read_err)
{
	/*
	 * Linux releases a descriptor even when close() reports an error, so
	 * the read below still sees the end of the pipe when the child exits.
	 */
	(void)close(pipefd[1]);
	*read_err = 0;
	size_t got = read_full(pipefd[0], buf, len, read_err);
	(void)close(pipefd[0]); /* everything was read */
	*complete = got == len;
	return wait_child(env, pid);
}

void
child_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("forkCall", Napi::Function::New(env, ForkCall));
}
