// Shared pieces of the browser tests: the demo server's address and accounts,
// launching Debian's headless Chromium, screenshots, and signing in.
//
// scripts/test starts a demo server and sets SPROUT_URL and SPROUT_ACCOUNTS (the
// demo's --accounts-json file); SPROUT_SCREENSHOTS, when set, is a folder for
// full-page screenshots.
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** RFC 4648 base32 (no padding needed) to bytes. */
function base32(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of secret.replace(/[=\s]/g, '').toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${c}`);
    value = ((value << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The RFC 6238 code (HMAC-SHA-1, 30-second steps, 6 digits) of `secret` for time step `step`. */
export function totpCode(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', base32(secret)).update(msg).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1000000).padStart(6, '0');
}

// The server accepts each code once (and no earlier step after it), so the
// steps used are remembered across test files (one process each) in a file.
const stepsFile = join(tmpdir(), `sprout-totp-steps-${new URL(base || 'http://x').port || 'x'}.json`);
function usedSteps() {
  try { return JSON.parse(readFileSync(stepsFile, 'utf8')); } catch { return {}; }
}
function rememberStep(email, step) {
  const all = usedSteps();
  all[email] = Math.max(all[email] || 0, step);
  const tmp = `${stepsFile}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(all));
  renameSync(tmp, stepsFile);
}

/** Types `who`'s current TOTP code on the second sign-in step, waiting for a fresh step when needed. */
async function typeCode(page, who) {
  if (!who.totp_secret) throw new Error(`${who.email} was asked for a code but has no totp_secret`);
  for (let attempt = 0; attempt < 4; attempt++) {
    const current = Math.floor(Date.now() / 30000);
    let step = Math.max(current, (usedSteps()[who.email] || 0) + 1);
    if (step > current + 1) {
      // The server accepts one step ahead at most: wait for the clock.
      await page.waitForTimeout((step - 1) * 30000 - Date.now() + 200);
    }
    rememberStep(who.email, step);
    await page.getByLabel('Code', { exact: true }).fill(totpCode(who.totp_secret, step));
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/login/code') && r.request().method() === 'POST'),
      page.getByRole('button', { name: /continue/i }).click(),
    ]);
    if (resp.status() === 303 || resp.status() === 302) return;
    await page.waitForLoadState();
  }
  throw new Error(`the second sign-in step kept refusing ${who.email}'s codes`);
}

/**
 * Signs `page` in as `who` (an entry of the accounts file: email, password,
 * totp_secret) and waits until it has left the sign-in pages. A login with a
 * second factor (every staff login) gets its current TOTP code typed, as an
 * authenticator app would show it. Every browser test signs in through this
 * one function, so a change to the sign-in steps is made here once.
 */
export async function signInPage(page, who) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login') || url.pathname === '/login/code');
  if (new URL(page.url()).pathname === '/login/code') await typeCode(page, who);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** A new context of `viewport` size signed in as `who`: `{ context, page }`. */
export async function signIn(browser, who, viewport = { width: 390, height: 844 }) {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  await signInPage(page, who);
  return { context, page };
}
