// A parent completes pre-check-in for his 5-year-old's visit: confirms the
// contact details, sends new insurance details (held for the front desk),
// sees the copay, signs the practice's document with his typed name, and
// finishes (issue 6). Headless Chromium driven by playwright-core;
// scripts/test starts a demo server (with tests/browser/demo.toml, whose
// practice lets parents act on appointments) and sets SPROUT_URL and
// SPROUT_ACCOUNTS (the demo's --accounts-json file).
//
// scripts/test runs every browser test file against the same server, in
// parallel: this one signs in as the showcase father, whom teen.test.mjs
// gives access to the 12-year-old (this test reads only the 5-year-old and
// changes no access and no language), and pre-checks-in the 5-year-old's
// visit, which no other test touches. The phone run checks in, the desktop
// run then finds it done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, accounts, launch, shot, ageOn, signIn } from './lib.mjs';

test('a parent completes pre-check-in, signing the practice document', async () => {
  const parent = accounts.find((a) => a.role === 'parent' && a.email.startsWith('carlos.garcia@'));
  assert.ok(parent, 'the demo has the showcase father');
  const child = parent.patients.find((p) => ageOn(p.birth_date) === 5);
  assert.ok(child, 'he sees the 5-year-old');

  const browser = await launch();
  try {
    const p = await signIn(browser, parent);
    await p.page.goto(`${base}/patients/${child.id}/appointments`);
    const visit = p.page.locator('li.visit', { hasText: /Well child visit/ }).first();
    await visit.waitFor();
    await shot(p.page, 'phone-appointments');
    await visit.getByRole('link', { name: /pre-check-in/i }).click();
    await p.page.waitForURL(/\/check-in$/);

    // 1. Contact details.
    await p.page.getByLabel(/these contact details are correct/i).check();
    await p.page.getByRole('button', { name: /confirm contact details/i }).click();
    await p.page.waitForURL(/\?saved=contact$/);
    await p.page.getByText(/^Confirmed /).waitFor();

    // 2. Insurance: sent for review, not applied.
    await p.page.getByText(/my insurance has changed/i).click();
    await p.page.getByLabel('Insurance company').fill('Bay State Health');
    await p.page.getByLabel('Member ID').fill('BSH-204-7781');
    await p.page.getByLabel('Group number').fill('G-5512');
    await p.page.getByLabel(/policy holder/i).fill('Carlos Garcia');
    await p.page.getByRole('button', { name: /send insurance details/i }).click();
    await p.page.waitForURL(/\?saved=insurance$/);
    await p.page.getByText(/waiting for the office's review/i).waitFor();
    assert.doesNotMatch(await p.page.locator('main').innerText(), /Bay State Health/);

    // 3. The copay.
    assert.match(await p.page.locator('#copay').innerText(), /^\$\d+\.\d\d$/);

    // 4. Sign the practice's document.
    const doc = p.page.locator('article.care-doc').first();
    await doc.getByLabel(/i have read this document and agree/i).check();
    await doc.getByLabel(/type your full name to sign/i).fill('Carlos Garcia');
    await shot(p.page, 'phone-check-in');
    await doc.getByRole('button', { name: /^sign/i }).click();
    await p.page.waitForURL(/\?saved=signed$/);
    await p.page.getByText(/Signed by Carlos Garcia/).first().waitFor();

    await p.page.getByRole('button', { name: /finish pre-check-in/i }).click();
    await p.page.waitForURL(/\/appointments\?done=checked-in$/);
    await p.page.getByRole('status').filter({ hasText: /pre-check-in is complete/i }).waitFor();
    await p.context.close();

    // On a desktop, the check-in page shows it done.
    const d = await signIn(browser, parent, { width: 1280, height: 900 });
    await d.page.goto(`${base}/patients/${child.id}/appointments`);
    await d.page.locator('li.visit', { hasText: /Well child visit/ }).first()
      .getByRole('link', { name: /pre-check-in/i }).click();
    await d.page.getByText(/Pre-check-in completed/).waitFor();
    await d.page.getByText(/Signed by Carlos Garcia/).first().waitFor();
    await shot(d.page, 'desktop-check-in-done');
    await d.context.close();
  } finally {
    await browser.close();
  }
});
