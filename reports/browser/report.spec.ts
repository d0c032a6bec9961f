/**
 * The HTML report in a real browser (Debian's Chromium), opened from disk.
 * Uses the sample in sample.ts, or PMEM_CONFORM_REPORT_JSON=results.json.
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import type { CaseResult, Verdict } from '../../runner/core/model.js';
import { VERDICTS } from '../../runner/core/model.js';
import { renderHtml } from '../html.js';
import { renderJunit } from '../junit.js';
import { loadResult } from './sample.js';

const result = loadResult();
const count = (cases: CaseResult[], v: Verdict) => cases.filter((c) => c.verdict === v).length;

let url = '';

test.beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'pmem-conform-report-'));
  const file = join(dir, 'index.html');
  writeFileSync(file, renderHtml(result));
  url = pathToFileURL(file).href;
});

/** Open the report and fail the test on any script error, CSP violation or network request. */
async function open(page: Page, hash = ''): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
  });
  await page.goto(url + hash);
  await expect(page.locator('html.js')).toHaveCount(1); // the client script ran (CSP hash accepted)
  return problems;
}

/** Visible case buttons in the matrix, as [verdict, fixture, implementation]. */
async function visibleMatrixCases(page: Page): Promise<{ verdict: string; fixture: string; implementation: string }[]> {
  const idx = await page
    .locator('#matrix button.open-case')
    .evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => Number(e.getAttribute('data-open'))));
  return idx.map((i) => {
    const c = result.cases[i]!;
    return { verdict: c.verdict, fixture: c.fixture, implementation: c.implementation };
  });
}

test('summary numbers match the data; no script errors, no network', async ({ page }) => {
  const problems = await open(page);
  const rows = await page.locator('[data-summary-row] td[data-verdict]').evaluateAll((tds) =>
    tds.map((td) => ({
      impl: td.getAttribute('data-impl'),
      fixture: td.getAttribute('data-fixture'),
      verdict: td.getAttribute('data-verdict'),
      n: Number(td.textContent),
    })),
  );
  const pairs = new Set(result.cases.map((c) => `${c.implementation}\u0000${c.fixture}`));
  // a cell per verdict of the model and one for the total
  expect(rows.length).toBe(pairs.size * (VERDICTS.length + 1));
  for (const r of rows) {
    const cases = result.cases.filter((c) => c.implementation === r.impl && c.fixture === r.fixture);
    const want = r.verdict === 'total' ? cases.length : count(cases, r.verdict as Verdict);
    expect(r.n, `${r.impl} × ${r.fixture} ${r.verdict}`).toBe(want);
  }
  for (const v of VERDICTS) {
    await expect(page.locator(`[data-total-verdict="${v}"]`)).toHaveText(String(count(result.cases, v)));
  }
  await expect(page.locator('[data-total-verdict="total"]')).toHaveText(String(result.cases.length));
  await expect(page.locator('#f-status')).toHaveText(`Showing all ${result.cases.length} cases.`);
  // every case is in the matrix, with its verdict as a word
  expect((await visibleMatrixCases(page)).length).toBe(result.cases.length);
  for (const v of VERDICTS) {
    if (count(result.cases, v)) await expect(page.locator(`#matrix button.v-${v} .vw`).first()).toHaveText(v);
  }
  // the environment is shown
  await expect(page.locator('#environment')).toContainText(result.environment.kernel);
  for (const i of result.environment.implementations) await expect(page.locator('#environment')).toContainText(i.path);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(problems).toEqual([]);
});

test('filtering to divergences shows only divergences, is kept in the URL and restored on reload', async ({ page }) => {
  const divergences = count(result.cases, 'diverge');
  test.skip(divergences === 0, 'the data has no divergences');
  const problems = await open(page);
  await page.getByRole('button', { name: 'Show only diverge' }).click();
  await expect(page.locator('#f-v-diverge')).toBeChecked();
  await expect(page.locator('#f-v-pass')).not.toBeChecked();
  await expect(page).toHaveURL(/#verdict=diverge$/);
  await expect(page.locator('#f-status')).toHaveText(`Showing ${divergences} of ${result.cases.length} cases.`);
  let shown = await visibleMatrixCases(page);
  expect(shown.length).toBe(divergences);
  expect(new Set(shown.map((s) => s.verdict))).toEqual(new Set(['diverge']));
  // rows without a divergence are hidden, divergence table rows all visible
  const visibleRows = await page.locator('#matrix tr.clause-row:visible').count();
  expect(visibleRows).toBe(new Set(result.cases.filter((c) => c.verdict === 'diverge').map((c) => c.clauseId)).size);

  // narrow further by fixture, then reload the URL: the filter comes back
  const fixture = result.cases.find((c) => c.verdict === 'diverge')!.fixture;
  await page.locator('#f-fixture').selectOption(fixture);
  await expect(page).toHaveURL(new RegExp(`#verdict=diverge&fixture=${encodeURIComponent(fixture)}$`));
  const shared = page.url();
  await page.goto('about:blank');
  await page.goto(shared);
  await expect(page.locator('#f-v-diverge')).toBeChecked();
  for (const v of ['pass', 'skip', 'error']) await expect(page.locator(`#f-v-${v}`)).not.toBeChecked();
  await expect(page.locator('#f-fixture')).toHaveValue(fixture);
  shown = await visibleMatrixCases(page);
  const want = result.cases.filter((c) => c.verdict === 'diverge' && c.fixture === fixture).length;
  expect(shown.length).toBe(want);
  expect(shown.every((s) => s.verdict === 'diverge' && s.fixture === fixture)).toBe(true);
  await page.reload();
  expect((await visibleMatrixCases(page)).length).toBe(want);

  // free text: a search for a case's observed name finds it
  await page.getByRole('button', { name: 'Reset filters' }).click();
  await expect(page).toHaveURL(/index\.html$/);
  const target = result.cases.find((c) => c.verdict === 'diverge' && c.observed)!;
  await page.getByLabel('Search').fill(target.clauseId);
  shown = await visibleMatrixCases(page);
  expect(shown.length).toBe(result.cases.filter((c) => c.clauseId === target.clauseId).length);
  await expect(page).toHaveURL(/[#&]q=/);
  expect(problems).toEqual([]);
});

test('opening a case shows the clause text, observed name and message', async ({ page }) => {
  const problems = await open(page);
  const i = Math.max(
    result.cases.findIndex((c) => c.verdict === 'diverge' && c.observed?.message),
    result.cases.findIndex((c) => c.observed),
  );
  test.skip(i < 0, 'no case with an observation');
  const c = result.cases[i]!;
  const button = page.locator(`#matrix button[data-open="${i}"]`);
  await button.click();
  const dialog = page.locator('#case-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('blockquote.clause-text')).toHaveText(c.clauseText);
  await expect(dialog.locator('.observed-name')).toHaveText(c.observed!.name);
  if (c.observed!.message) await expect(dialog.locator('.observed-message')).toHaveText(c.observed!.message);
  await expect(dialog).toContainText(c.observed!.at);
  for (const p of c.permitted) await expect(dialog.locator('ul.names')).toContainText(p);
  if (c.reason) await expect(dialog).toContainText(c.reason);
  await expect(page).toHaveURL(/[#&]case=/);
  const shot = test.info().outputPath('case-dialog.png');
  await page.screenshot({ path: shot });
  // a shared link to the case opens it
  const shared = page.url();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(button).toBeFocused();
  await expect(page).not.toHaveURL(/case=/);
  await page.goto('about:blank');
  await page.goto(shared);
  await expect(page.locator('#case-dialog .observed-name')).toHaveText(c.observed!.name);
  expect(problems).toEqual([]);
});

test('the copy button copies the replay command', async ({ page, context }) => {
  const i = result.cases.findIndex((c) => c.replay && (c.verdict === 'diverge' || c.verdict === 'error'));
  test.skip(i < 0, 'no property failure with a replay command');
  const replay = result.cases[i]!.replay!;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
  const problems = await open(page);
  const card = page.locator(`article.prop[data-case="${i}"]`);
  await expect(card.locator('code[id^="replay-"]')).toHaveText(replay);
  await expect(card.locator('.seed')).toHaveText(String(result.cases[i]!.seed));
  await card.getByRole('button', { name: 'Copy replay command' }).click();
  const how = card.locator('button.copy');
  await expect(how).toHaveAttribute('data-copied', /.+/);
  const mode = await how.getAttribute('data-copied');
  if (mode === 'clipboard') {
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(replay);
  } else {
    expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(replay);
  }
  await expect(card.locator('.copy-status')).not.toBeEmpty();
  test.info().annotations.push({ type: 'copy mode', description: String(mode) });

  // and the fallback, with the clipboard API unavailable: the text is selected
  await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true }));
  await page.evaluate(() => window.getSelection()?.removeAllRanges());
  await card.getByRole('button', { name: 'Copy replay command' }).click();
  await expect(how).toHaveAttribute('data-copied', /^(selection|execCommand)$/);
  expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(replay);
  expect(problems).toEqual([]);
});

test('keyboard: Tab reaches the filters, Enter and Space open a case, Escape closes it', async ({ page }) => {
  const problems = await open(page);
  const inFilters = () => page.evaluate(() => !!document.activeElement?.closest('#filters'));
  let reached = false;
  for (let k = 0; k < 80 && !reached; k++) {
    await page.keyboard.press('Tab');
    reached = await inFilters();
  }
  expect(reached, 'Tab reaches the filters').toBe(true);
  // the first filter is a labelled checkbox that Space toggles
  const first = await page.evaluate(() => (document.activeElement as HTMLInputElement).id);
  expect(first).toBe('f-v-pass');
  await page.keyboard.press('Space');
  await expect(page.locator('#f-v-pass')).not.toBeChecked();
  await page.keyboard.press('Space');
  await expect(page.locator('#f-v-pass')).toBeChecked();
  // on to the first case button (the findings come before the matrix)
  let onCase = false;
  for (let k = 0; k < 40 && !onCase; k++) {
    await page.keyboard.press('Tab');
    onCase = await page.evaluate(() => !!document.activeElement?.matches('button.open-case'));
  }
  expect(onCase, 'Tab reaches a case').toBe(true);
  await page.evaluate(() => document.activeElement?.setAttribute('data-tabbed', ''));
  const dialog = page.locator('#case-dialog');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await expect(page.locator('#case-close')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.locator('button.open-case[data-tabbed]')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Enter'); // on the focused Close button
  await expect(dialog).toBeHidden();
  expect(problems).toEqual([]);
});

test('matrix screenshot is non-trivial', async ({ page }) => {
  await open(page);
  const file = test.info().outputPath('matrix.png');
  await page.locator('#matrix').screenshot({ path: file });
  const full = test.info().outputPath('report-full.png');
  await page.screenshot({ path: full, fullPage: true });
  expect(statSync(file).size).toBeGreaterThan(20_000);
  expect(statSync(full).size).toBeGreaterThan(50_000);
  await test.info().attach('matrix', { path: file, contentType: 'image/png' });
  for (const id of ['summary', 'environment', 'divergences', 'properties', 'coverage']) {
    const section = page.locator(`#${id}`);
    if (await section.count()) await section.screenshot({ path: test.info().outputPath(`${id}.png`) });
  }
});

test('the JUnit XML of the same run is well-formed to the browser XML parser, with matching counts', async ({ page }) => {
  await page.goto('about:blank');
  const xml = renderJunit(result);
  const got = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const err = doc.getElementsByTagName('parsererror')[0];
    const root = doc.documentElement;
    return {
      error: err ? err.textContent : null,
      tests: root.getAttribute('tests'),
      failures: root.getAttribute('failures'),
      errors: root.getAttribute('errors'),
      skipped: root.getAttribute('skipped'),
      testcases: doc.getElementsByTagName('testcase').length,
    };
  }, xml);
  expect(got.error).toBeNull();
  expect(got.testcases).toBe(result.cases.length);
  expect(got.tests).toBe(String(result.cases.length));
  expect(got.failures).toBe(String(count(result.cases, 'diverge')));
  expect(got.errors).toBe(String(count(result.cases, 'error')));
  expect(got.skipped).toBe(String(count(result.cases, 'skip')));
});

test('the tsc-built writer in dist/ (what the CLI runs) produces a working page too', async ({ page }) => {
  const built = fileURLToPath(new URL('../../dist/reports/html.js', import.meta.url));
  test.skip(!existsSync(built), 'dist/ not built (npx tsc -p tsconfig.json)');
  const mod = (await import(pathToFileURL(built).href)) as { renderHtml: typeof renderHtml };
  const dir = mkdtempSync(join(tmpdir(), 'pmem-conform-report-dist-'));
  const file = join(dir, 'index.html');
  writeFileSync(file, mod.renderHtml(result));
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${pathToFileURL(file).href}#verdict=skip`);
  await expect(page.locator('html.js')).toHaveCount(1);
  expect((await visibleMatrixCases(page)).length).toBe(count(result.cases, 'skip'));
  expect(problems).toEqual([]);
});
