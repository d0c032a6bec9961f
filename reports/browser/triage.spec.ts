/**
 * Triage in a minute, in Chromium at a laptop's 1280 px and a narrow 800 px:
 * the gate's verdict above the fold, one row per finding across page copies
 * and fixtures, filters that stay in view and whose counts follow them, the
 * "differs between fixtures" filter, and a case's rerun command copied.
 */
import { expect, type Page, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Baseline } from '../baseline.js';
import { BASELINE_SCHEMA } from '../baseline.js';
import type { CaseResult, RunResult } from '../../runner/core/model.js';
import { renderHtml } from '../html.js';
import { loadResult } from './sample.js';

const base = loadResult();
// every divergence also on a second copy of its page: a finding is one row whatever the copy
const copies: CaseResult[] = base.cases
  .filter((c) => c.verdict === 'diverge' && c.clauseId.includes('@seed-txt/'))
  .map((c) => {
    const clauseId = c.clauseId.replace('@seed-txt/', '@seed-md/');
    return { ...c, clauseId, id: `${clauseId}@${c.fixture}/${c.implementation}`, page: c.page.replace('.txt', '.md') };
  });
const result: RunResult = { ...base, cases: [...base.cases, ...copies] };
const divergent = result.cases.filter((c) => c.verdict === 'diverge');
const tail = (id: string) => id.replace(/^[^@/]+@[^/]+\//, '');
const keyOf = (c: CaseResult) => `${c.implementation}|${tail(c.clauseId)}|${c.observed?.name ?? ''}`;
const findings = new Map<string, CaseResult[]>();
for (const c of divergent) findings.set(keyOf(c), [...(findings.get(keyOf(c)) ?? []), c]);
// the baseline accepts every finding but one: the gate is red for that one
const [newKey] = [...findings.keys()];
const baseline: Baseline = {
  schema: BASELINE_SCHEMA,
  entries: divergent
    .filter((c) => keyOf(c) !== newKey)
    .map((c) => ({
      implementation: c.implementation,
      clauseId: c.clauseId,
      observedName: c.observed?.name ?? '',
      note: 'accepted in the test',
    })),
};

let url = '';
test.beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'pmem-conform-triage-'));
  const file = join(dir, 'index.html');
  writeFileSync(file, renderHtml(result, { baseline, strict: true }));
  url = pathToFileURL(file).href;
});

async function open(page: Page, hash = ''): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(url + hash);
  await expect(page.locator('html.js')).toHaveCount(1);
  return problems;
}

for (const width of [1280, 800]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 800 } });

    test('a red gate says so above the fold, with NEW, accepted and FIXED counts and why', async ({ page }) => {
      test.skip(!newKey, 'the data has no divergence');
      const problems = await open(page);
      const gate = page.locator('#gate');
      await expect(gate).toHaveAttribute('data-gate', 'red');
      await expect(gate.locator('h2')).toContainText('Gate RED');
      await expect(gate.locator('h2')).toContainText('1 new finding');
      const box = (await gate.boundingBox())!;
      expect(box.y + box.height, 'the whole banner is above the fold').toBeLessThanOrEqual(800);
      await expect(gate.locator('.c-new strong')).toHaveText('1');
      await expect(gate.locator('.c-acc strong')).toHaveText(String(findings.size - 1));
      await expect(gate.locator('.c-fixed')).toContainText('FIXED');
      // the NEW finding is named, and its link leads to its row
      await gate.locator('.gate-list a').first().click();
      await expect(page.locator('tr.finding[data-status="new"]')).toBeInViewport();
      // nothing is wider than the window: the finding table fits
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      expect(problems).toEqual([]);
    });

    test('one row per finding across page copies and fixtures, expandable to its cases', async ({ page }) => {
      test.skip(findings.size === 0, 'the data has no divergence');
      const problems = await open(page);
      const rows = page.locator('#div-table tr.finding');
      await expect(rows).toHaveCount(findings.size);
      await expect(page.locator('#n-findings')).toHaveText(String(findings.size));
      await expect(page.locator('#n-divcases')).toHaveText(String(divergent.length));
      // the NEW one is first, with its badge; the row lists every case of the finding
      const first = rows.first();
      await expect(first.locator('.status')).toHaveText('NEW');
      const cases = findings.get(newKey!)!;
      await first.locator('details.cases summary').click();
      await expect(first.locator('details.cases li')).toHaveCount(cases.length);
      await first.locator('details.cases li button').first().click();
      await expect(page.locator('#case-dialog')).toBeVisible();
      await expect(page.locator('#case-dialog .observed-name')).toHaveText(cases[0]!.observed!.name);
      // an errno name is not broken at its hyphen
      const nw = await page.locator('#div-table code.nw').evaluateAll((els) => els.map((e) => getComputedStyle(e).whiteSpace));
      expect(nw.every((w) => w === 'nowrap')).toBe(true);
      expect(problems).toEqual([]);
    });

    test('the filters stay in view and their counts follow them; "differs between fixtures" narrows to those cases', async ({ page }) => {
      const problems = await open(page);
      await page.locator('#matrix').scrollIntoViewIfNeeded();
      const filters = page.locator('#filters');
      await expect(filters).toBeInViewport();
      expect((await filters.boundingBox())!.y).toBeLessThanOrEqual(1);
      // a fixture: the verdict counts are that fixture's
      const fixture = result.cases[0]!.fixture;
      await page.locator('#f-fixture').selectOption(fixture);
      for (const v of ['pass', 'diverge', 'skip']) {
        const want = result.cases.filter((c) => c.fixture === fixture && c.verdict === v).length;
        await expect(page.locator(`[data-count-verdict="${v}"]`)).toHaveText(String(want));
      }
      const findingsHere = [...findings.values()].filter((cs) => cs.some((c) => c.fixture === fixture)).length;
      await expect(page.locator('#n-findings')).toHaveText(String(findingsHere));
      await page.getByRole('button', { name: 'Reset filters' }).click();
      // differs between fixtures: exactly the cases whose clause got another verdict or name elsewhere
      const outcomes = new Map<string, Set<string>>();
      for (const c of result.cases) {
        const k = `${c.implementation}|${c.clauseId}`;
        outcomes.set(k, (outcomes.get(k) ?? new Set()).add(`${c.verdict}|${c.observed?.name ?? ''}`));
      }
      const differing = result.cases.filter((c) => outcomes.get(`${c.implementation}|${c.clauseId}`)!.size > 1);
      await expect(page.locator('#n-differs')).toHaveText(String(differing.length));
      await page.locator('#f-differs').check();
      await expect(page).toHaveURL(/differs=1/);
      const shown = await page
        .locator('#matrix button.open-case')
        .evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => Number(e.getAttribute('data-open'))));
      expect(shown.length).toBe(differing.length);
      expect(shown.every((i) => differing.includes(result.cases[i]!))).toBe(true);
      await expect(page.locator('#f-status')).toHaveText(`Showing ${differing.length} of ${result.cases.length} cases.`);
      expect(problems).toEqual([]);
    });

    test("a case's one-line rerun command is copied; the dialog names what the clause is and how long it took", async ({
      page,
      context,
    }) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
      const problems = await open(page);
      const i = result.cases.findIndex((c) => c.kind !== 'property' && /RETURN VALUE#/.test(c.clauseId));
      test.skip(i < 0, 'no RETURN VALUE case');
      await page.locator(`#matrix button[data-open="${i}"]`).click();
      const dialog = page.locator('#case-dialog');
      await expect(dialog).toBeVisible();
      await expect(dialog).toContainText('RETURN VALUE');
      await expect(dialog).not.toContainText('error clause');
      await expect(dialog.locator('.duration')).toHaveText(/\d+ ms|\d+\.\d s/);
      const code = dialog.locator('#dialog-rerun');
      const want = (await code.textContent())!;
      expect(want).toMatch(/^npx pmem-conform run --fixture \S+ --impl \S+ .*--grep .* --suites-only$/);
      expect(want.includes('\n')).toBe(false);
      const button = dialog.getByRole('button', { name: 'Copy rerun command' });
      await expect(button).toBeInViewport();
      await button.click();
      await expect(button).toHaveAttribute('data-copied', /.+/);
      if ((await button.getAttribute('data-copied')) === 'clipboard') {
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(want);
      } else {
        expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(want);
      }
      expect(problems).toEqual([]);
    });
  });
}
