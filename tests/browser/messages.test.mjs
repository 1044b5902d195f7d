// Secure messaging (issue 5): a parent writes to the care team with a photo
// attached; a nurse signs in, finds it in the clinical pool with its reply-due
// time and replies; the parent sees the reply, and the unread count drops to
// zero once it is read. Headless Chromium driven by playwright-core;
// scripts/test starts a demo server (whose configuration lets parents send
// messages) and sets SPROUT_URL and SPROUT_ACCOUNTS.
//
// scripts/test runs every browser test file against the same server, in
// parallel: this one writes only messages, as a parent outside the showcase
// Garcias (family.test.mjs and teen.test.mjs change their language and
// access) and, of the other families, the last one (growth.test.mjs and
// audit.test.mjs read as the first ones), and as the nurse, whom no other test
// uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accounts, launch, shot, signIn, ageOn, escape } from './lib.mjs';

const showcase = (a) => /\.garcia@example\.org$/.test(a.email);

// A 1×1 PNG: the "photo of the rash".
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

test('a parent sends a photo; the nurse replies from the clinical pool; unread drops to zero', async () => {
  const parent = accounts
    .filter((a) => a.role === 'parent' && !showcase(a))
    .reverse()
    .find((a) => a.patients.some((p) => ageOn(p.birth_date) < 12));
  assert.ok(parent, 'the demo has a parent outside the showcase family with a child under 12');
  const child = parent.patients.find((p) => ageOn(p.birth_date) < 12);
  const nurse = accounts.find((a) => a.role === 'nurse');
  assert.ok(nurse, 'the demo has a nurse');
  const subject = `Rash on the arm ${Date.now()}`;

  const browser = await launch();
  try {
    // The parent writes, with the photo attached.
    const p = await signIn(browser, parent, { width: 390, height: 844 });
    const page = p.page;
    await page.getByRole('link', { name: 'Messages', exact: true }).click();
    await page.waitForURL(/\/messages$/);
    await page.getByRole('link', { name: 'Write a message' }).click();
    await page.getByText('Messages are not for emergencies.').waitFor();
    await page.getByLabel('About').selectOption({ label: child.name });
    await page.getByLabel('Topic').selectOption('clinical');
    await page.getByLabel('Subject').fill(subject);
    await page.getByLabel('Your message').fill('A red rash appeared this morning. Photo attached.');
    await page.getByLabel('Attach files (optional)').setInputFiles({
      name: 'rash.png', mimeType: 'image/png', buffer: PHOTO,
    });
    await shot(page, 'phone-message-compose');
    await page.getByRole('button', { name: 'Send message' }).click();
    await page.waitForURL(/\/messages\/[0-9a-f]{32}$/);
    const threadUrl = page.url();
    await page.getByRole('heading', { name: subject }).waitFor();
    await page.getByRole('link', { name: /rash\.png/ }).waitFor();

    // The nurse: the Inbox opens on the clinical pool, with the due time.
    const n = await signIn(browser, nurse, { width: 1280, height: 900 });
    await n.page.getByRole('link', { name: 'Inbox', exact: true }).click();
    await n.page.waitForURL(/\/staff\/inbox/);
    assert.match(await n.page.locator('#pool-heading').innerText(), /Clinical/);
    const row = n.page.locator('a.msg-thread', { hasText: subject });
    await row.waitFor();
    assert.match(await row.innerText(), /Reply due .*\d{1,2}:\d{2}/);
    await shot(n.page, 'desktop-staff-inbox');
    await row.click();
    await n.page.getByRole('heading', { name: subject }).waitFor();
    assert.match(await n.page.locator('#thread-due').innerText(), /Reply due/);
    await n.page.getByRole('link', { name: /rash\.png/ }).waitFor();
    await n.page.getByLabel('Your reply').fill('Thank you. Please apply the cream twice a day and call if it spreads.');
    await n.page.getByRole('button', { name: 'Send reply' }).click();
    await n.page.getByText('Please apply the cream twice a day').waitFor();
    await n.context.close();

    // The parent: one unread, then none once read.
    await page.goto(threadUrl.replace(/\/messages\/.*/, '/messages'));
    const unread = page.locator('#unread-count');
    assert.equal(await unread.getAttribute('data-unread'), '1');
    assert.match(await unread.innerText(), /1 unread message/);
    await page.locator('a.msg-thread', { hasText: subject }).click();
    await page.getByText('Please apply the cream twice a day').waitFor();
    assert.match(await page.locator('main').innerText(), new RegExp(`${escape('(care team)')}`));
    await shot(page, 'phone-message-thread');
    await page.getByRole('link', { name: 'Back to messages' }).first().click();
    await page.waitForURL(/\/messages$/);
    assert.equal(await page.locator('#unread-count').getAttribute('data-unread'), '0');
    assert.match(await page.locator('#unread-count').innerText(), /No unread messages/);
    await p.context.close();
  } finally {
    await browser.close();
  }
});
