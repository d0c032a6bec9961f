/** Helpers the runner's tests share. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** an unlinked file of `size` bytes, open read-write: nothing to clean up but the descriptor */
export function unlinkedFile(size: number): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-test-'));
  const p = path.join(dir, 'f');
  const fd = fs.openSync(p, 'w+');
  fs.ftruncateSync(fd, size);
  fs.unlinkSync(p);
  fs.rmdirSync(dir);
  return fd;
}
