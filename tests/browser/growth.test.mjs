// A parent opens a child's Growth tab and finds the child's points on the SVG
// charts (issue 9); the showcase infant, born at 32 weeks, shows her corrected
// age. Headless Chromium driven by playwright-core; scripts/test starts a demo
// server and sets SPROUT_URL and SPROUT_ACCOUNTS (the demo's --accounts-json
// file).
//
// scripts/test runs every browser test file against the same server, in
// parallel: this file only reads. It prefers a parent of another family than
// the showcase Garcias (family.test.mjs switches Maria's language and back,
// teen.test.mjs changes Carlos's access), and reads Maria's infant with
// patterns that hold in either language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, accounts, launch, shot, escape, signIn } from './lib.mjs';

/** Age in days from an ISO birth date to today. */
function ageDays(birth) {
  return (Date.now() - Date.parse(`${birth}T00:00:00`)) / 86400000;
}

const showcase = (a) => /\.garcia@example\.org$/.test(a.email);

/** A parent of another family, preferring one with a child under 5, and that child. */
function otherParentAndChild() {
  const parents = accounts.filter((a) => a.role === 'parent' && !showcase(a) && a.patients.length > 0);
  for (const a of parents) {
    const young = a.patients.find((p) => ageDays(p.birth_date) < 5 * 365.25);
    if (young) return [a, young];
  }
  return parents.length ? [parents[0], parents[0].patients[0]] : [undefined, undefined];
}

/** From the family home: the child's page, then its Growth tab. */
async function openGrowth(page, child) {
  await page.getByRole('link', { name: new RegExp(escape(child.name)) }).first().click();
  await page.waitForURL(new RegExp(`/patients/${child.id}$`));
  await page.getByRole('navigation', { name: /sections|secciones/i })
    .getByRole('link', { name: /^(growth|crecimiento)$/i }).click();
  await page.waitForURL(new RegExp(`/patients/${child.id}/growth$`));
}

for (const viewport of [{ width: 1280, height: 900, name: 'desktop' }, { width: 390, height: 844, name: 'phone' }]) {
  test(`a parent opens the Growth tab and finds the points (${viewport.name})`, async () => {
    const [parent, child] = otherParentAndChild();
    assert.ok(parent, 'the demo has a parent outside the showcase family');
    const browser = await launch();
    try {
      const { context, page } = await signIn(browser, parent, viewport);
      await openGrowth(page, child);
      assert.match(await page.locator('h2').first().innerText(), /Growth charts/);
      const charts = page.locator('svg.growth-svg');
      assert.ok(await charts.count() >= 2, 'a weight and a height chart at least');
      const points = page.locator('circle.growth-point');
      const n = await points.count();
      assert.ok(n >= 2, `points on the charts: ${n}`);
      await points.first().waitFor({ state: 'visible' });
      // Each point lies inside its chart's drawing.
      const chart = await charts.first().boundingBox();
      const dot = await charts.first().locator('circle.growth-point').last().boundingBox();
      assert.ok(dot.x >= chart.x && dot.x + dot.width <= chart.x + chart.width + 1, 'x inside');
      assert.ok(dot.y >= chart.y && dot.y + dot.height <= chart.y + chart.height + 1, 'y inside');
      // The chart fits the page's width (no sideways scrolling on a phone).
      assert.ok(chart.width <= viewport.width, `chart ${chart.width}px wide`);
      // Its text alternative: the table of measurements with percentiles.
      const table = page.locator('table.growth-table').first();
      assert.match(await table.innerText(), /Percentile/);
      assert.match(await table.innerText(), /\d+(st|nd|rd|th)\t|Not computed/);
      assert.match(await table.innerText(), /kg|cm/);
      await shot(page, `${viewport.name}-growth`);
      await context.close();
    } finally {
      await browser.close();
    }
  });
}

test('the showcase infant born at 32 weeks shows her corrected age', async () => {
  const maria = accounts.find((a) => a.role === 'parent' && a.email === 'maria.garcia@example.org');
  assert.ok(maria, 'the showcase mother');
  const infant = maria.patients.reduce((y, p) => (ageDays(p.birth_date) < ageDays(y.birth_date) ? p : y));
  assert.ok(ageDays(infant.birth_date) < 365, 'the showcase family has an infant');
  const browser = await launch();
  try {
    const { context, page } = await signIn(browser, maria, { width: 390, height: 844 });
    await openGrowth(page, infant);
    const main = await page.locator('main').innerText();
    // Either language: family.test.mjs may be switching hers meanwhile.
    assert.match(main, /(corrected age|edad corregida) \d+ (months?|mes|meses|weeks?|semanas?)/);
    assert.match(main, /32/);
    assert.ok(await page.locator('circle.growth-point').count() >= 1, 'points on the charts');
    await shot(page, 'phone-growth-preterm');
    await context.close();
  } finally {
    await browser.close();
  }
});
