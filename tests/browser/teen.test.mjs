// The demo's 12-year-old signs in, approves one of her parents and hides her lab
// results from him; the parent then signs in and sees her vitals but not her lab
// results (ACCESS-POLICY.md rule 4, issue 3). Headless Chromium driven by
// playwright-core; scripts/test starts a demo server and sets SPROUT_URL and
// SPROUT_ACCOUNTS (the demo's --accounts-json file).
//
// scripts/test runs every browser test file against the same server, in
// parallel: this one uses the showcase family's parent that family.test.mjs
// does not (that one takes the first parent with two or more children).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base, accounts, launch, shot, escape, ageOn, signIn } from './lib.mjs';

test('a 12-year-old approves a parent and hides lab results; he sees vitals only', async () => {
  const teen = accounts.find((a) => a.role === 'patient' && a.patients.length === 1
    && ageOn(a.patients[0].birth_date) === 12);
  assert.ok(teen, 'the demo has a 12-year-old with her own login');
  const her = teen.patients[0];
  const surname = her.name.split(' ').pop();
  // family.test.mjs signs in as the first parent with two or more children.
  const taken = accounts.find((a) => a.role === 'parent' && a.patients.length >= 2);
  const parent = accounts.find((a) => a.role === 'parent' && a !== taken
    && a.patients.some((p) => p.name.endsWith(` ${surname}`)));
  assert.ok(parent, 'the showcase family has a second parent');
  assert.ok(!parent.patients.some((p) => p.id === her.id), 'before approval he cannot see her');

  const browser = await launch();
  try {
    // The teen: home, then "who can see your record".
    const t = await signIn(browser, teen);
    await t.page.getByRole('link', { name: /choose who can see your record/i }).click();
    await t.page.waitForURL(new RegExp(`/patients/${her.id}/proxies$`));
    const card = t.page.locator('li.proxy-card', { hasText: parent.email });
    await card.getByRole('button', { name: /^approve /i }).click();
    await t.page.waitForURL(/\?done=approve$/);
    await t.page.getByRole('status').filter({ hasText: /approved/i }).waitFor();
    const approved = t.page.locator('li.proxy-card', { hasText: parent.email });
    await approved.getByText('Has access').waitFor();
    await shot(t.page, 'teen-approved');

    // Hide lab results from him, keep the rest.
    const labs = approved.getByLabel('Lab results', { exact: true });
    assert.ok(await labs.isChecked(), 'lab results start shown');
    await labs.uncheck();
    assert.ok(await approved.getByLabel('Vitals and measurements').isChecked());
    await approved.getByRole('button', { name: /^save what /i }).click();
    await t.page.waitForURL(/\?done=sections$/);
    const saved = t.page.locator('li.proxy-card', { hasText: parent.email });
    assert.equal(await saved.getByLabel('Lab results', { exact: true }).isChecked(), false);
    await shot(t.page, 'teen-hid-labs');
    await t.page.getByRole('button', { name: /sign out/i }).click();
    await t.page.waitForURL(/\/login/);
    await t.context.close();

    // The parent: she is on his home now; vitals yes, lab results no.
    const p = await signIn(browser, parent);
    await p.page.getByRole('link', { name: new RegExp(escape(her.name)) }).first().click();
    await p.page.waitForURL(new RegExp(`/patients/${her.id}$`));
    const tabs = p.page.getByRole('navigation', { name: /sections of the record/i });
    await tabs.getByRole('link', { name: /^vitals$/i }).waitFor();
    assert.equal(await tabs.getByRole('link', { name: /lab results/i }).count(), 0);
    assert.doesNotMatch(await p.page.locator('main').innerText(), /Lab results/);
    await tabs.getByRole('link', { name: /^vitals$/i }).click();
    await p.page.waitForURL(new RegExp(`/patients/${her.id}/vitals$`));
    assert.match(await p.page.locator('main').innerText(), /Weight|Height/);
    await shot(p.page, 'parent-vitals');
    const res = await p.page.goto(`${base}/patients/${her.id}/lab-results`);
    assert.equal(res.status(), 404);
    assert.match(await p.page.locator('h1').first().innerText(), /Page not found/);
    await p.context.close();
  } finally {
    await browser.close();
  }
});
