// Shared pieces of the browser tests: the demo server's address and accounts,
// launching Debian's headless Chromium, screenshots, and signing in.
//
// scripts/test starts a demo server and sets SPROUT_URL and SPROUT_ACCOUNTS (the
// demo's --accounts-json file); SPROUT_SCREENSHOTS, when set, is a folder for
// full-page screenshots.
import { readFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const base = process.env.SPROUT_URL;
export const accounts = JSON.parse(readFileSync(process.env.SPROUT_ACCOUNTS, 'utf8'));
const shots = process.env.SPROUT_SCREENSHOTS || '';
if (shots) mkdirSync(shots, { recursive: true });

/** Headless Chromium with the flags this machine needs. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run',
    ],
  });
}

/** A full-page screenshot named `name`, when SPROUT_SCREENSHOTS is set. */
export async function shot(page, name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

/** Escapes a string for use inside a RegExp. */
export const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Completed years from an ISO birth date to today (local calendar). */
export function ageOn(birth, today = new Date()) {
  const [y, m, d] = birth.split('-').map(Number);
  let age = today.getFullYear() - y;
  if (today.getMonth() + 1 < m || (today.getMonth() + 1 === m && today.getDate() < d)) age -= 1;
  return age;
}

/** A new English browser context of `viewport` size. */
export async function newContext(browser, viewport = { width: 390, height: 844 }) {
  return browser.newContext({
    viewport, locale: 'en-US', acceptDownloads: true,
    extraHTTPHeaders: { 'Accept-Language': 'en-US,en;q=0.9' },
  });
}

/**
 * Signs `page` in as `who` (an entry of the accounts file: email, password) and
 * waits until it has left the sign-in pages. Every browser test signs in through
 * this one function, so a change to the sign-in steps is made here once.
 */
export async function signInPage(page, who) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** A new context of `viewport` size signed in as `who`: `{ context, page }`. */
export async function signIn(browser, who, viewport = { width: 390, height: 844 }) {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  await signInPage(page, who);
  return { context, page };
}
