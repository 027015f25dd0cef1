/**
 * A PNG of a local page in Debian's Chromium through playwright-core, when both are there (a
 * development install): the demo's picture of the dashboard. Never downloads a browser.
 */
import { access } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Saves a full-page PNG of `htmlFile`; returns why not when it cannot. */
export async function screenshot(
  htmlFile: string,
  pngFile: string,
): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    await access(CHROMIUM);
  } catch {
    return { ok: false, why: `${CHROMIUM} is not installed (apt-get install -y chromium)` };
  }
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return { ok: false, why: 'playwright-core is not installed (npm ci installs it)' };
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(pathToFileURL(htmlFile).href);
    await page.screenshot({ path: pngFile, fullPage: true });
    return { ok: true };
  } finally {
    await browser.close();
  }
}
