#!/usr/bin/env bash
# Prepares what the emulated-pmem fixture (fixtures/emulated.ts) boots:
#   - installs the Debian packages it needs (root; apt-get), unless present:
#     qemu-system-x86 linux-image-amd64 busybox-static ndctl daxctl e2fsprogs xfsprogs
#   - extracts the guest kernel's uncompressed ELF vmlinux from the newest
#     installed Debian bzImage (QEMU boots it directly, PVH: ~3 s faster)
#   - builds a busybox initramfs with the pmem / virtio / 9p / ext4 / xfs
#     modules of that kernel (in modprobe's dependency order) and our /init
# into $PMEM_CONFORM_GUEST_CACHE (default /var/cache/pmem-conform)/<kernel>/,
# and points <cache>/current at it. Idempotent: a second run with nothing
# changed does nothing and exits 0.
#
# usage: scripts/guest/setup.sh [--no-install] [--force]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${PMEM_CONFORM_GUEST_CACHE:-/var/cache/pmem-conform}"
install=1 force=0
for a in "$@"; do
  case "$a" in
    --no-install) install=0 ;;
    --force) force=1 ;;
    *) echo "setup.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
log() { echo "guest-setup: $*"; }

# 1. packages
need=()
[ -x /usr/bin/qemu-system-x86_64 ] || need+=(qemu-system-x86)
compgen -G '/boot/vmlinuz-*-amd64' >/dev/null || need+=(linux-image-amd64)
dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need+=(busybox-static)
command -v ndctl >/dev/null || need+=(ndctl)
command -v daxctl >/dev/null || need+=(daxctl)
command -v mkfs.ext4 >/dev/null || need+=(e2fsprogs)
command -v mkfs.xfs >/dev/null || need+=(xfsprogs)
command -v cpio >/dev/null || need+=(cpio)
command -v xz >/dev/null || need+=(xz-utils)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$install" = 0 ]; then log "missing packages: ${need[*]} (run without --no-install as root)"; exit 1; fi
  [ "$(id -u)" = 0 ] || { log "missing packages ${need[*]}: run as root"; exit 1; }
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # qemu's recommends (ui, audio, ...) are not needed
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. the kernel: the newest installed Debian amd64 image that has its modules
kver=""
for v in $(ls /boot/vmlinuz-*-amd64 | sed 's|/boot/vmlinuz-||' | sort -V -r); do
  if [ -d "/lib/modules/$v/kernel" ]; then kver="$v"; break; fi
done
[ -n "$kver" ] || { log "no /boot/vmlinuz-*-amd64 with /lib/modules/<version>"; exit 1; }
out="$cache/$kver"
stamp="$(cat "$here/setup.sh" "$here/init" | sha256sum | cut -c1-16)"
if [ "$force" = 0 ] && [ -f "$out/READY" ] && [ "$(cat "$out/READY")" = "$stamp" ]; then
  ln -sfn "$kver" "$cache/current"
  log "up to date: $out (kernel $kver)"
  exit 0
fi
log "building guest for kernel $kver in $out"
rm -rf "$out.tmp"
mkdir -p "$out.tmp"

# 3. vmlinux: decompress the xz stream inside the bzImage (scripts/extract-vmlinux's method)
bz="/boot/vmlinuz-$kver"
found=0
for off in $(LC_ALL=C grep -abo $'\xfd7zXZ\x00' "$bz" | cut -d: -f1); do
  if tail -c +$((off + 1)) "$bz" | xz -dc 2>/dev/null > "$out.tmp/vmlinux"; then :; fi
  if [ "$(head -c 4 "$out.tmp/vmlinux" | od -An -tx1 | tr -d ' ')" = "7f454c46" ]; then found=1; break; fi
done
[ "$found" = 1 ] || { log "cannot extract an ELF vmlinux from $bz"; exit 1; }

# 4. initramfs: busybox, modules in dependency order, /init
root="$out.tmp/root"
mkdir -p "$root"/{bin,dev,proc,sys,host,lib/modules,mnt,tmp}
cp /bin/busybox "$root/bin/busybox"
: > "$root/modules.order"
wanted="libnvdimm nd_btt nd_pmem nd_e820 nfit dax_pmem device_dax kmem virtio_pmem ext4 xfs virtio_pci virtio_console 9p 9pnet_virtio"
for m in $wanted; do
  modprobe -S "$kver" --show-depends --ignore-install "$m" | awk '$1=="insmod"{print $2}'
done | awk '!s[$0]++' | while read -r ko; do
  base="$(basename "$ko")"
  case "$ko" in
    *.ko) cp "$ko" "$root/lib/modules/$base" ;;
    *.ko.xz) xz -dc "$ko" > "$root/lib/modules/${base%.xz}"; base="${base%.xz}" ;;
    *.ko.zst) zstd -qdc "$ko" > "$root/lib/modules/${base%.zst}"; base="${base%.zst}" ;;
    *) log "unexpected module file $ko"; exit 1 ;;
  esac
  echo "${base%.ko}" >> "$root/modules.order"
done
cp "$here/init" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1 > "$out.tmp/initramfs.cpio.gz")
rm -rf "$root"
echo "$kver" > "$out.tmp/KERNEL"
echo "$stamp" > "$out.tmp/READY"
rm -rf "$out"
mv "$out.tmp" "$out"
ln -sfn "$kver" "$cache/current"
log "ready: $out/vmlinux, $out/initramfs.cpio.gz ($(du -h "$out/initramfs.cpio.gz" | cut -f1))"
