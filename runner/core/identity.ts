/**
 * What a report must share with another to be merged with it: the
 * harness's version and the catalogue its clause ids come from. A case id
 * means the same thing in two reports only when both agree.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './paths.js';

/** harnessVersion -- the version in package.json */
export function harnessVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** catalogueDigest -- 12 hex digits of SHA-256 over every clause's id and text, in catalogue order */
export function catalogueDigest(clauses: readonly { id: string; text: string }[]): string {
  const h = createHash('sha256');
  for (const c of clauses) h.update(`${c.id}\0${c.text}\0`);
  return h.digest('hex').slice(0, 12);
}
