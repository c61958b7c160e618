import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Flags for Debian's Chromium on these machines: no GPU, and no background calls to a network that is closed. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where screenshots go (gitignored with the rest of test-results/). */
export const screenshotDir = fileURLToPath(new URL('../../../../test-results/screenshots/', import.meta.url));

/**
 * Launches the system Chromium headless (never a downloaded browser). Playwright gives every launch a
 * fresh temporary profile, so no state carries over between runs.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_BIN'] ?? '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
  });
}

/**
 * A browser context (its own cookies: one user) whose pages log their console into `consoleLines`, CSP
 * violations included (see `cspViolations`).
 */
export async function newUserContext(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; consoleLines: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  // Content-Security-Policy violations become console lines, so tests can assert there are none.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`[csp] ${event.effectiveDirective} blocked ${event.blockedURI || 'inline code'}`);
    });
  });
  const page = await context.newPage();
  const consoleLines: string[] = [];
  page.on('console', (msg) => consoleLines.push(msg.text()));
  page.on('pageerror', (err) => consoleLines.push(`[pageerror] ${err.message}`));
  return { context, page, consoleLines };
}

/** Saves a full-page screenshot as `test-results/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const path = `${screenshotDir}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The console lines that report a Content-Security-Policy violation (ours, or Chromium's own). */
export function cspViolations(consoleLines: readonly string[]): string[] {
  return consoleLines.filter((line) => line.startsWith('[csp]') || /Content Security Policy/i.test(line));
}
