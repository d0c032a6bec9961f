/**
 * `npm run catalogue`: re-reads the pages and rewrites suites/catalogue.json.
 * `npm run catalogue -- --check`: exits 1 when the checked-in file is stale.
 */
import fs from 'node:fs';
import { buildCatalogue, CATALOGUE_FILE, serialise } from './build.js';

const check = process.argv.includes('--check');
const { catalogue, unreadable } = buildCatalogue();
for (const u of unreadable) console.error(`pmem-conform: cannot read page ${u.source.page} (${u.source.version}): ${u.reason}`);
if (unreadable.length) process.exit(1);
const text = serialise(catalogue);
if (check) {
  const old = fs.existsSync(CATALOGUE_FILE) ? fs.readFileSync(CATALOGUE_FILE, 'utf8') : '';
  if (old !== text) {
    console.error(`pmem-conform: ${CATALOGUE_FILE} is stale; run npm run catalogue`);
    process.exit(1);
  }
  console.log(`catalogue up to date: ${catalogue.clauses.length} clauses`);
} else {
  fs.writeFileSync(CATALOGUE_FILE, text);
  console.log(`wrote ${CATALOGUE_FILE}: ${catalogue.clauses.length} clauses, ${catalogue.gaps.length} gaps`);
}
