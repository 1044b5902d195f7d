// Self-registration in a browser (issue 4): a new parent creates an account
// from the sign-in page, opens the confirmation link from the demo server's
// mail folder, signs in, links a child with the office PIN the demo's front
// desk issued, and sees the child.
//
// scripts/test starts the demo server and sets SPROUT_URL, SPROUT_ACCOUNTS
// (the demo's --accounts-json file, whose front-desk login carries
// `issued_pins`) and SPROUT_MAIL (the folder the server writes .eml files to).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { base, accounts, launch, shot, newContext, signInPage } from './lib.mjs';

const mailDir = process.env.SPROUT_MAIL;

/** The text of an .eml file's body, decoded (7bit, quoted-printable or base64). */
function bodyOf(eml) {
  const split = eml.indexOf('\r\n\r\n') >= 0 ? eml.indexOf('\r\n\r\n') : eml.indexOf('\n\n');
  const head = eml.slice(0, split);
  let body = eml.slice(split).trim();
  if (/content-transfer-encoding:\s*base64/i.test(head)) {
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
    body = body.replace(/=\r?\n/g, '');
    const bytes = [];
    for (let i = 0; i < body.length; i++) {
      if (body[i] === '=' && /^[0-9A-F]{2}$/i.test(body.slice(i + 1, i + 3))) {
        bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(body[i], 'utf8'));
      }
    }
    return Buffer.from(bytes).toString('utf8');
  }
  return body;
}

/** Waits for an email to `to` in the mail folder and returns its link to `path`. */
async function linkFromMail(to, path) {
  for (let i = 0; i < 100; i++) {
    for (const f of readdirSync(mailDir).filter((n) => n.endsWith('.eml'))) {
      const eml = readFileSync(`${mailDir}/${f}`, 'utf8');
      if (!eml.includes(to)) continue;
      const m = bodyOf(eml).match(new RegExp(`https?://[^\\s]+${path}\\?token=[A-Za-z0-9_-]+`));
      if (m) return m[0];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no email to ${to} with a ${path} link in ${mailDir}`);
}

test('a parent registers, confirms the email, links a child with a PIN and sees the child', async () => {
  assert.ok(mailDir, 'SPROUT_MAIL must name the demo server mail folder');
  const desk = accounts.find((a) => a.role === 'front-desk' && a.issued_pins?.length);
  assert.ok(desk, 'the demo issues an office PIN for a child without a parent');
  const { pin, birth_date: born, patient_name: child } = desk.issued_pins[0];
  const email = `new.parent.${Date.now()}@example.org`;
  const password = 'maple syrup on a tuesday morning';

  const browser = await launch();
  try {
    const context = await newContext(browser);
    const page = await context.newPage();

    await page.goto(`${base}/login`);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Your full name').fill('Robin Rivera');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('New password').fill(password);
    await shot(page, 'enroll-signup');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    const link = await linkFromMail(email, '/verify');
    await page.goto(link.replace(/^https?:\/\/[^/]+/, base));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Your email is confirmed' }).waitFor();

    await signInPage(page, { email, password });
    await page.getByRole('link', { name: 'Link a child' }).click();
    await page.getByRole('textbox', { name: 'Office PIN' }).fill(pin);
    await page.getByLabel("Child's birth date").fill(born);
    await shot(page, 'enroll-link');
    await page.getByRole('button', { name: 'Link child' }).click();
    await page.waitForURL(`${base}/`);
    await page.getByRole('link', { name: new RegExp(child) }).waitFor();
    await shot(page, 'enroll-linked');
    await page.getByRole('link', { name: new RegExp(child) }).click();
    await page.getByRole('heading', { name: child }).waitFor();
    await context.close();
  } finally {
    await browser.close();
  }
});
