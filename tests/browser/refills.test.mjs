// A teenager asks for a refill of an inhaler through the portal; a nurse
// approves it from the refill queue with a message; the teenager sees the
// answer (issue 6). Headless Chromium driven by playwright-core; scripts/test
// starts a demo server and sets SPROUT_URL and SPROUT_ACCOUNTS (the demo's
// --accounts-json file).
//
// scripts/test runs every browser test file against the same server, in
// parallel: this one uses the showcase 16-year-old's own login (the other
// tests only read her record) and the nurse's login (no other test uses it),
// and only adds a refill request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, accounts, launch, shot, ageOn, signIn } from './lib.mjs';

for (const viewport of [{ width: 390, height: 844, name: 'phone' }, { width: 1280, height: 900, name: 'desktop' }]) {
  test(`a teenager requests a refill and a nurse approves it (${viewport.name})`, async () => {
    const teen = accounts.find((a) => a.role === 'patient' && /\.garcia@example\.org$/.test(a.email)
      && a.patients.length === 1 && ageOn(a.patients[0].birth_date) === 16);
    assert.ok(teen, 'the demo has the showcase 16-year-old with an own login');
    const nurse = accounts.find((a) => a.role === 'nurse');
    assert.ok(nurse, 'the demo has a nurse');
    const her = teen.patients[0]; // the teenager
    const note = `Almost out (${viewport.name} test)`;
    const message = `Sent to your pharmacy (${viewport.name})`;

    const browser = await launch();
    try {
      // The teenager: her medications, then the refill form.
      const t = await signIn(browser, teen, viewport);
      await t.page.goto(`${base}/patients/${her.id}/medications`);
      const inhaler = t.page.locator('li.med', { hasText: /Albuterol/ });
      await inhaler.waitFor();
      await shot(t.page, `${viewport.name}-refill-medications`);
      await inhaler.getByRole('link', { name: /request a refill/i }).click();
      await t.page.waitForURL(/\/refill$/);
      await t.page.getByLabel('Pharmacy').fill('Orchard Lane Pharmacy, (555) 010-3000');
      await t.page.getByLabel(/note for the care team/i).fill(note);
      await shot(t.page, `${viewport.name}-refill-form`);
      await t.page.getByRole('button', { name: /send request/i }).click();
      await t.page.waitForURL(/\/medications\?sent=1$/);
      await t.page.getByRole('status').filter({ hasText: /sent to the care team/i }).waitFor();
      const requests = t.page.locator('#refill-requests li', { hasText: /Albuterol/ });
      await requests.filter({ hasText: /Waiting/ }).first().waitFor();

      // The nurse: the refill queue from the staff home.
      const n = await signIn(browser, nurse, viewport);
      await n.page.getByRole('link', { name: /open refill requests/i }).click();
      await n.page.waitForURL(/\/staff\/refills$/);
      const item = n.page.locator('li.queue-item', { hasText: note });
      await item.waitFor();
      assert.match(await item.innerText(), new RegExp(her.name));
      assert.match(await item.innerText(), /Refillable/);
      await shot(n.page, `${viewport.name}-refill-queue`);
      await item.getByLabel(/message to the family/i).fill(message);
      await item.getByRole('button', { name: /^approve$/i }).click();
      await n.page.waitForURL(/\/staff\/refills\?done=approved$/);
      await n.page.getByRole('status').filter({ hasText: /refill approved/i }).waitFor();
      assert.equal(await n.page.locator('li.queue-item', { hasText: note }).count(), 0);
      await n.context.close();

      // The teenager sees the answer.
      await t.page.goto(`${base}/patients/${her.id}/medications`);
      const answered = t.page.locator('#refill-requests li', { hasText: message });
      await answered.waitFor();
      assert.match(await answered.innerText(), /Approved/);
      await shot(t.page, `${viewport.name}-refill-approved`);
      await t.context.close();
    } finally {
      await browser.close();
    }
  });
}
