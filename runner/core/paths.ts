/**
 * Where the project's files are: the checkout (or installed package) this
 * code runs from, and the shared/ folder beside it that holds the seed
 * pages. Everything that names a project file starts from here, so a clone
 * at any path works.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** the project root: this file is dist/runner/core/paths.js once compiled */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHARED_DIR = process.env.PMEM_CONFORM_SHARED ?? path.resolve(PROJECT_ROOT, '../shared');
