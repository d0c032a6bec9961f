# Sourced by the guest job scripts (guest-run.sh, runner/engine/durability/guest.sh), which
# run chrooted into the host's / with the results share at /mnt/results: the
# environment the chroot lacks, the event and failure reports the host reads,
# and the job the host wrote.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
R=/mnt/results
# bash builtins only: every fork and exec costs tens of milliseconds of a TCG vCPU, and an exec reads its binary over 9p
event() { local u _; read -r u _ < /proc/uptime; echo "PMC $* $u"; echo "$u $*" >> "$R/events"; }
fail() { echo "PMC FAIL $*"; echo "$*" > "$R/failure"; exit 1; }
# shellcheck disable=SC1091
. "$R/job.env" || fail "no job.env in the results share"
cd /tmp || exit 1
read -r kernel < /proc/sys/kernel/osrelease && echo "$kernel" > "$R/kernel"
# where the CLI runs from: RUNTIME=1, the copy the host appended to the initramfs (fixtures/guest-runtime.ts),
# which node reads from memory; otherwise the project over 9p, file by file (about half of a node start here)
CLI_ROOT=$PROJECT
if [ "${RUNTIME:-0}" = 1 ]; then
  mkdir -p /run/pmc-rt
  mount --bind /proc/1/root/pmc-rt /run/pmc-rt 2> "$R/runtime.log" || fail "cannot bind the initramfs runtime: $(cat "$R/runtime.log")"
  CLI_ROOT=/run/pmc-rt
fi

wait_for() { # path, seconds
  local i=0
  while [ ! -e "$1" ] && [ $i -lt $(($2 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
  [ -e "$1" ]
}
