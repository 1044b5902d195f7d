// "Who saw my record" (issue 8): a parent views her teenager's vitals; the
// teenager signs in and finds that view, with what was looked at, in "Who saw
// my record". Then the practice administrator finds the same view in the
// audit report, filtered by the patient, and downloads it as CSV.
// Headless Chromium driven by playwright-core; scripts/test starts a demo
// server and sets SPROUT_URL and SPROUT_ACCOUNTS (the demo's --accounts-json
// file).
//
// scripts/test runs every browser test file against the same server, in
// parallel: this one only reads (it changes no approval, no language), so the
// other tests' showcase family is left as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { base, accounts, launch, shot, escape, ageOn, signIn } from './lib.mjs';

test('a parent views her teenager\'s vitals; he sees it in "who saw my record"', async () => {
  // An adolescent (12 to 17; the demo's approved one is 16, a 14-year-old
  // when there is one) with his own login, whom a parent already sees.
  const teens = accounts
    .filter((a) => a.role === 'patient' && a.patients.length === 1)
    .filter((a) => { const age = ageOn(a.patients[0].birth_date); return age >= 12 && age < 18; })
    .filter((a) => accounts.some((p) => p.role === 'parent'
      && p.patients.some((x) => x.id === a.patients[0].id)))
    .sort((a, b) => Math.abs(ageOn(a.patients[0].birth_date) - 14)
      - Math.abs(ageOn(b.patients[0].birth_date) - 14));
  const teen = teens[0];
  assert.ok(teen, 'the demo has an adolescent with his own login whom a parent sees');
  const him = teen.patients[0];
  const parent = accounts.find((p) => p.role === 'parent'
    && p.patients.some((x) => x.id === him.id));

  const browser = await launch();
  try {
    // The parent opens his vitals.
    const p = await signIn(browser, parent);
    await p.page.getByRole('link', { name: new RegExp(escape(him.name)) }).first().click();
    await p.page.waitForURL(new RegExp(`/patients/${him.id}$`));
    const tabs = p.page.getByRole('navigation', { name: /sections of the record/i });
    assert.equal(await tabs.getByRole('link', { name: /who saw my record/i }).count(), 0,
      'a parent has no "who saw" tab');
    await tabs.getByRole('link', { name: /^vitals$/i }).click();
    await p.page.waitForURL(new RegExp(`/patients/${him.id}/vitals$`));
    const viewedAt = new Date();
    const parentName = (await p.page.locator('footer').innerText())
      .match(/Signed in as (.+)/)[1].trim();
    assert.equal((await p.page.goto(`${base}/patients/${him.id}/access-log`)).status(), 404,
      'the log is his, not hers');
    await p.context.close();

    // He signs in and opens "who saw my record" from his record's tabs.
    for (const width of [390, 1280]) {
      const t = await signIn(browser, teen, { width, height: 844 });
      await t.page.goto(`${base}/patients/${him.id}`);
      const myTabs = t.page.getByRole('navigation', { name: /sections of the record/i });
      await myTabs.getByRole('link', { name: /who saw my record/i }).click();
      await t.page.waitForURL(new RegExp(`/patients/${him.id}/access-log$`));
      await t.page.getByRole('heading', { name: /who saw my record/i }).waitFor();
      const entry = t.page.locator('li.access-item', {
        hasText: new RegExp(`${escape(parentName)} \\(Parent\\)`),
      }).filter({ hasText: 'Looked at: Vitals and measurements' }).first();
      await entry.waitFor();
      // The view is the one just made: today, within the last minutes.
      const when = await entry.locator('.access-when').innerText();
      const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
        'August', 'September', 'October', 'November', 'December'];
      const [, hh, mm] = when.match(/(\d{2}):(\d{2})$/).map(Number);
      const seen = new Date(viewedAt);
      seen.setHours(hh, mm, 0, 0);
      assert.ok(when.includes(months[viewedAt.getMonth()]), when);
      assert.ok(Math.abs(seen - viewedAt) < 5 * 60 * 1000
        || Math.abs(seen - viewedAt) > 23 * 3600 * 1000, `${when} is about now`);
      assert.match(await t.page.locator('main').innerText(), /with the part of your record each of them looked at/);
      await shot(t.page, `audit-access-log-${width}`);
      await t.context.close();
    }

    // The administrator finds the view in the audit report and downloads it.
    const admin = accounts.find((a) => a.role === 'admin');
    const a = await signIn(browser, admin, { width: 1280, height: 900 });
    await a.page.getByRole('link', { name: /open the audit report/i }).click();
    await a.page.waitForURL(/\/staff\/audit$/);
    await a.page.getByLabel('Patient (MRN or Sprout id)').fill(him.id);
    await a.page.getByLabel('Action').selectOption('read');
    await a.page.getByRole('button', { name: /show events/i }).click();
    await a.page.waitForURL(/\/staff\/audit\?/);
    const row = a.page.locator('tbody tr', { hasText: parent.email })
      .filter({ hasText: 'Vitals and measurements' }).first();
    await row.waitFor();
    await a.page.getByRole('link', { name: /^user/i }).click();
    await a.page.waitForURL(/sort=user/);
    assert.match(await a.page.locator('th[aria-sort="ascending"]').innerText(), /^User/);
    await shot(a.page, 'audit-report-1280');
    const [download] = await Promise.all([
      a.page.waitForEvent('download'),
      a.page.getByRole('link', { name: /download csv/i }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^sprout-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(csv.split('\n')[0], /^seq,time_utc,user_email/);
    assert.ok(csv.includes(parent.email) && csv.includes(him.id));
    await a.page.setViewportSize({ width: 390, height: 844 });
    await shot(a.page, 'audit-report-390');
    await a.context.close();
  } finally {
    await browser.close();
  }
});
