/**
 * Descriptors of files that are not regular files, for the pmem2_source_*
 * suites: a directory, a FIFO, a socket, a block device, a character device;
 * and a source whose descriptor number is re-opened on one of them after
 * pmem2_source_from_fd() accepted a regular file.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Source } from '../runner/core/native.js';
import type { CaseContext } from './framework.js';
import { SetupError } from './pmem2_util.js';

export type Opener = () => number;

function closer(ctx: CaseContext, fd: number): number {
  ctx.defer(() => {
    try {
      fs.closeSync(fd);
    } catch {
      /* closed by the case */
    }
  });
  return fd;
}

/** the kinds "directory, block device, pipe, or socket": an opener for each this machine offers, or why not */
export function nonRegular(ctx: CaseContext): { name: string; open?: Opener; missing?: string }[] {
  const dir = ctx.fixture.directory();
  const out: { name: string; open?: Opener; missing?: string }[] = [];
  out.push({ name: 'directory', open: () => closer(ctx, fs.openSync(dir, 'r')) });
  const fifo = path.join(dir, `fifo-${process.pid}-${Date.now()}`);
  try {
    execFileSync('mkfifo', [fifo]);
    ctx.defer(() => fs.rmSync(fifo, { force: true }));
    // O_RDWR on a FIFO does not block on Linux
    out.push({ name: 'pipe (FIFO)', open: () => closer(ctx, fs.openSync(fifo, 'r+')) });
  } catch (e) {
    out.push({ name: 'pipe (FIFO)', missing: `mkfifo failed: ${(e as Error).message.split('\n')[0]}` });
  }
  const sock = path.join(dir, `sock-${process.pid}-${Date.now()}`);
  const server = net.createServer();
  server.listen(sock);
  ctx.defer(() => {
    server.close();
    fs.rmSync(sock, { force: true });
  });
  // the listening socket's descriptor, held by node's handle
  const sfd = (server as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof sfd === 'number' && sfd >= 0) out.push({ name: 'socket', open: () => sfd });
  else out.push({ name: 'socket', missing: "node did not expose the listening socket's descriptor" });
  const block = ['loop0', 'vda', 'sda', 'nvme0n1', 'xvda', 'ram0']
    .map((n) => `/dev/${n}`)
    .find((p) => {
      try {
        return fs.statSync(p).isBlockDevice();
      } catch {
        return false;
      }
    });
  if (block) {
    out.push({
      name: `block device (${block})`,
      open: () => {
        try {
          return closer(ctx, fs.openSync(block, 'r'));
        } catch (e) {
          throw new SetupError(`cannot open ${block}: ${(e as NodeJS.ErrnoException).code}`);
        }
      },
    });
  } else out.push({ name: 'block device', missing: 'no block device node found in /dev' });
  return out;
}

/** /dev/null: a character device that is not device DAX */
export function charDevice(ctx: CaseContext): number {
  return closer(ctx, fs.openSync('/dev/null', 'r+'));
}

/**
 * A source made from a fresh regular file (on device DAX, from the device),
 * whose descriptor is then closed
 * and the same number opened on another file by `reopen`; undefined `reopen`
 * leaves it closed. Skips when the number is not reused.
 */
export function swappedSource(ctx: CaseContext, reopen?: Opener): { src: Source; fd: number } | { skip: string } {
  // on a device DAX the source is the device's, from a descriptor of its own (the case closes it)
  const f = ctx.caps.devdax && ctx.caps.devdaxPath ? { fd: fs.openSync(ctx.caps.devdaxPath, 'r+') } : ctx.file(ctx.caps.pageSize);
  const s = ctx.addon.sourceFromFd(f.fd);
  if (s.code !== 0 || !s.source)
    throw new SetupError(`pmem2_source_from_fd(${ctx.caps.devdax ? 'device DAX' : 'regular file'}) returned ${s.code}`);
  const src = s.source;
  ctx.defer(() => void ctx.addon.sourceDelete(src));
  fs.closeSync(f.fd);
  if (!reopen) return { src, fd: f.fd };
  const fd = reopen();
  if (fd !== f.fd)
    return {
      skip: `the source's descriptor number ${f.fd} was not reused by the next open (got ${fd}), so the source cannot be pointed at the other file`,
    };
  return { src, fd };
}
