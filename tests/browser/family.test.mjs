// A parent signs in, switches between two children, opens the immunizations page,
// switches to Spanish and signs out — in Debian's headless Chromium, driven by
// playwright-core. scripts/test starts a demo server and sets SPROUT_URL and
// SPROUT_ACCOUNTS (the demo's --accounts-json file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, accounts, launch, shot } from './lib.mjs';

for (const viewport of [{ width: 1280, height: 900, name: 'desktop' }, { width: 390, height: 844, name: 'phone' }]) {
  test(`parent switches children, reads immunizations, switches to Spanish, signs out (${viewport.name})`, async () => {
    const parent = accounts.find((a) => a.role === 'parent' && a.patients.length >= 2);
    assert.ok(parent, 'the demo has a parent with two or more children');
    const [first, second] = parent.patients;
    const browser = await launch();
    try {
      const context = await browser.newContext({
        viewport, locale: 'en-US', extraHTTPHeaders: { 'Accept-Language': 'en-US,en;q=0.9' },
      });
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.waitForURL(/\/login/);
      await shot(page, `${viewport.name}-login`);
      await page.getByLabel('Email').fill(parent.email);
      await page.getByLabel('Password').fill(parent.password);
      await page.getByRole('button', { name: /sign in/i }).click();

      // Family home: both children are there.
      await page.getByText(first.name).first().waitFor();
      await page.getByText(second.name).first().waitFor();
      await shot(page, `${viewport.name}-home`);

      // Open the first child, then switch to the second.
      await page.getByRole('link', { name: new RegExp(first.name) }).first().click();
      await page.waitForURL(new RegExp(`/patients/${first.id}`));
      assert.match(await page.locator('h1').first().innerText(), new RegExp(first.name));
      await shot(page, `${viewport.name}-summary`);
      await page.getByRole('link', { name: new RegExp(second.name) }).first().click();
      await page.waitForURL(new RegExp(`/patients/${second.id}`));
      assert.match(await page.locator('h1').first().innerText(), new RegExp(second.name));

      // Immunizations of the second child.
      await page.getByRole('link', { name: /^immunizations$/i }).first().click();
      await page.waitForURL(new RegExp(`/patients/${second.id}/immunizations`));
      const body = await page.locator('main').innerText();
      assert.match(body, /Hep B|DTaP|MMR|Influenza|HPV/);
      await shot(page, `${viewport.name}-immunizations`);

      // Switch to Spanish on this page.
      await page.getByLabel(/language/i).selectOption('es');
      await page.getByRole('button', { name: /change language|cambiar idioma/i }).click();
      await page.waitForURL(new RegExp(`/patients/${second.id}/immunizations`));
      assert.equal(await page.locator('html').getAttribute('lang'), 'es');
      assert.match(await page.locator('main').innerText(), /Vacunas/);
      await shot(page, `${viewport.name}-immunizations-es`);

      // Back to English (the choice is stored on the account), then sign out;
      // the old page is not reachable afterwards.
      await page.getByLabel(/idioma|language/i).selectOption('en');
      await page.getByRole('button', { name: /change language|cambiar idioma/i }).click();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await page.getByRole('button', { name: /sign out/i }).click();
      await page.waitForURL(/\/login/);
      await page.goto(`${base}/patients/${second.id}/immunizations`);
      await page.waitForURL(/\/login/);
      await context.close();
    } finally {
      await browser.close();
    }
  });
}
