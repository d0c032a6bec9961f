/**
 * Where the project's files are: the checkout (or installed package) this
 * code runs from, and the shared/ folder beside it that holds the seed
 * pages. Everything that names a project file starts from here, so a clone
 * at any path works.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * projectRoot -- the nearest directory above `from` holding package.json:
 * the project root, whether this code is dist/runner/core/paths.js or part
 * of a bundle in dist/bundle/ (the guest runtime's, fixtures/guest-bundle.ts)
 */
function projectRoot(from: string): string {
  for (let d = from; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return path.resolve(from, '../../..');
  }
}

export const PROJECT_ROOT = projectRoot(path.dirname(fileURLToPath(import.meta.url)));
export const SHARED_DIR = process.env.PMEM_CONFORM_SHARED ?? path.resolve(PROJECT_ROOT, '../shared');
