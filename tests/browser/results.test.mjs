// Lab results with reference ranges, and sensitive results kept from parents
// (issue 7): the showcase family's parent opens the 16-year-old's lab results
// and sees her screening labs with their ranges but not her confidential
// sexual-health test, which she herself sees. Headless Chromium driven by
// playwright-core; scripts/test starts a demo server and sets SPROUT_URL and
// SPROUT_ACCOUNTS (the demo's --accounts-json file).
//
// This file only reads: it changes nothing the other browser tests rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accounts, launch, shot, escape, ageOn, signIn } from './lib.mjs';

test('a parent sees the teen\'s lab results with ranges, not her confidential test', async () => {
  const maria = accounts.find((a) => a.role === 'parent' && a.email === 'maria.garcia@example.org');
  assert.ok(maria, 'the showcase parent');
  const teen = maria.patients.find((p) => ageOn(p.birth_date) === 16);
  assert.ok(teen, 'the showcase family has a 16-year-old Maria sees');
  const own = accounts.find((a) => a.role === 'patient' && a.patients.some((p) => p.id === teen.id));

  const browser = await launch();
  try {
    for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
      const p = await signIn(browser, maria, viewport);
      await p.page.getByRole('link', { name: new RegExp(escape(teen.name)) }).first().click();
      const tabs = p.page.getByRole('navigation', { name: /sections of the record/i });
      await tabs.getByRole('link', { name: /^lab results$/i }).click();
      await p.page.waitForURL(new RegExp(`/patients/${teen.id}/lab-results$`));
      const main = await p.page.locator('main').innerText();
      assert.match(main, /Cholesterol/);
      assert.match(main, /typical range/);
      assert.doesNotMatch(main, /Chlamydia/);
      await shot(p.page, `results-parent-${viewport.width}`);
      await tabs.getByRole('link', { name: /notes & documents/i }).click();
      await p.page.waitForURL(new RegExp(`/patients/${teen.id}/notes$`));
      await shot(p.page, `notes-parent-${viewport.width}`);
      await p.context.close();
    }
    if (own) {
      const t = await signIn(browser, own);
      await t.page.goto(`${new URL(t.page.url()).origin}/patients/${teen.id}/lab-results`);
      assert.match(await t.page.locator('main').innerText(), /Chlamydia/);
      await shot(t.page, 'results-teen');
      await t.context.close();
    }
  } finally {
    await browser.close();
  }
});
