#!/usr/bin/env bash
# Prepares what the emulated-pmem fixture (fixtures/emulated.ts) boots:
#   - installs the Debian packages it needs (root; apt-get), unless present:
#     qemu-system-x86 linux-image-amd64 busybox-static ndctl daxctl e2fsprogs xfsprogs
#   - extracts the guest kernel's uncompressed ELF vmlinux from the newest
#     installed Debian bzImage (QEMU boots it directly, PVH: ~3 s faster)
#   - builds an uncompressed busybox initramfs with our /init and the
#     modules of that kernel the guest needs, in modprobe's dependency order:
#     a base set every guest loads (virtio-pci, 9p, ext4, libnvdimm, nd_pmem,
#     nd_btt: modules.order) and the pmem sources' drivers, which a guest
#     loads only for its mode (kernel parameter pmc.mods=; modules.extra
#     lists them). Anything else a job script loads with modprobe inside
#     the chroot: the host's /lib/modules has the same kernel's modules.
# into $PMEM_CONFORM_GUEST_CACHE (default /var/cache/pmem-conform)/<kernel>-<key>/,
# where <key> is a hash of this script and init: fixtures/emulated.ts
# computes the same key from its own checkout, so checkouts with different
# guest inputs never share (or rebuild under each other) an image.
# Idempotent: a second run with nothing changed does nothing and exits 0.
#
# usage: scripts/guest/setup.sh [--no-install] [--force] [--print-dir]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${PMEM_CONFORM_GUEST_CACHE:-/var/cache/pmem-conform}"
install=1 force=0 print=0
for a in "$@"; do
  case "$a" in
    --no-install) install=0 ;;
    --force) force=1 ;;
    --print-dir) print=1 ;;
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
command -v strip >/dev/null || need+=(binutils)
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
# the key: fixtures/emulated.ts (guestKey) hashes the same two files the same way
stamp="$(cat "$here/setup.sh" "$here/init" | sha256sum | cut -c1-16)"
out="$cache/$kver-$stamp"
if [ "$force" = 0 ] && [ -f "$out/READY" ] && [ "$(cat "$out/READY")" = "$stamp" ]; then
  log "up to date: $out (kernel $kver)"
  [ "$print" = 0 ] || echo "$out"
  exit 0
fi
log "building guest for kernel $kver in $out"
mkdir -p "$cache"
# a private build directory: concurrent setups of the same key do not write into each other
tmp="$(mktemp -d "$out.tmp.XXXXXX")"
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

# 3. vmlinux: decompress the xz stream inside the bzImage (scripts/extract-vmlinux's method)
bz="/boot/vmlinuz-$kver"
found=0
for off in $(LC_ALL=C grep -abo $'\xfd7zXZ\x00' "$bz" | cut -d: -f1); do
  if tail -c +$((off + 1)) "$bz" | xz -dc 2>/dev/null > "$tmp/vmlinux"; then :; fi
  if [ "$(head -c 4 "$tmp/vmlinux" | od -An -tx1 | tr -d ' ')" = "7f454c46" ]; then found=1; break; fi
done
[ "$found" = 1 ] || { log "cannot extract an ELF vmlinux from $bz"; exit 1; }

# 4. initramfs: busybox, modules in dependency order, /init
root="$tmp/root"
mkdir -p "$root"/{bin,dev,proc,sys,host,lib/modules,mnt,tmp}
cp /bin/busybox "$root/bin/busybox"
# the applets' links are made here, not by busybox --install at each boot (about a second under TCG)
for a in $(/bin/busybox --list); do
  [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
# modules.order: what every guest loads; modules.extra: the pmem sources' drivers, loaded per mode (pmc.mods=).
# crc32c-intel is left out: it fails with ENODEV under TCG (crc32c_generic serves)
# libnvdimm by name: ndctl's modprobe.d "install" rule hides it from the others' --show-depends
base="virtio_pci 9p 9pnet_virtio ext4 libnvdimm nd_pmem"
extra="nd_e820 nfit dax_pmem device_dax virtio_pmem"
add_modules() { # list file
  for m in $1; do
    modprobe -S "$kver" --show-depends --ignore-install "$m" | awk '$1=="insmod"{print $2}'
  done | awk '!s[$0]++' | while read -r ko; do
    file="$(basename "$ko")"
    case "$ko" in
      *.ko) ;;
      *.ko.xz) file="${file%.xz}" ;;
      *.ko.zst) file="${file%.zst}" ;;
      *) log "unexpected module file $ko"; exit 1 ;;
    esac
    name="${file%.ko}"
    [ "$name" = crc32c-intel ] && continue
    grep -qx "$name" "$root/modules.order" "$root/modules.extra" 2>/dev/null && continue
    case "$ko" in
      *.ko) cp "$ko" "$root/lib/modules/$file" ;;
      *.ko.xz) xz -dc "$ko" > "$root/lib/modules/$file" ;;
      *.ko.zst) zstd -qdc "$ko" > "$root/lib/modules/$file" ;;
    esac
    # without the appended signature: the guest kernel then skips a SHA-256 and RSA check of every
    # module under TCG (it only notes the taint; Debian's kernel does not enforce signatures)
    strip --strip-debug "$root/lib/modules/$file"
    echo "$name" >> "$2"
  done
}
: > "$root/modules.order"
: > "$root/modules.extra"
add_modules "$base" "$root/modules.order"
add_modules "$extra" "$root/modules.extra"
cp "$here/init" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"
# uncompressed: QEMU loads it as it is, and the guest copies it instead of inflating it under TCG
(cd "$root" && find . | cpio -o -H newc --quiet > "$tmp/initramfs.cpio")
rm -rf "$root"
echo "$kver" > "$tmp/KERNEL"
echo "$stamp" > "$tmp/READY"
if [ -f "$out/READY" ] && [ "$force" = 0 ]; then
  log "built by a concurrent setup meanwhile: $out"
else
  rm -rf "$out"
  mv -T "$tmp" "$out"
fi
trap - EXIT
rm -rf "$tmp"
log "ready: $out/vmlinux, $out/initramfs.cpio ($(du -h "$out/initramfs.cpio" | cut -f1))"
[ "$print" = 0 ] || echo "$out"
exit 0
