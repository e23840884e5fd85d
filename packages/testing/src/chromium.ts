import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's `chromium` package; .ci/run installs it. Playwright never downloads a browser of its own here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless Chromium that makes no network traffic of its own (no background fetches, component updates, sync or
 * QUIC), so the only requests are the test's. Playwright refuses a --user-data-dir argument: it gives every launch
 * a fresh empty profile folder of its own in the temp directory and deletes it on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 15_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * Answers every login prompt of the page the way a person pressing Cancel does, so the browser shows the 401 page
 * (headless Chromium, having no one to ask, fails such a navigation with net::ERR_INVALID_AUTH_CREDENTIALS instead).
 * No credentials are ever sent.
 */
export async function cancelLoginPrompts(page: Page): Promise<Page> {
  const cdp = await page.context().newCDPSession(page);
  // A request still paused when its page closes cannot be continued; there is nothing left to answer then.
  const answer = (reply: Promise<unknown>) => void reply.catch(() => undefined);
  cdp.on('Fetch.requestPaused', ({ requestId }) => answer(cdp.send('Fetch.continueRequest', { requestId })));
  cdp.on('Fetch.authRequired', ({ requestId }) =>
    answer(cdp.send('Fetch.continueWithAuth', { requestId, authChallengeResponse: { response: 'CancelAuth' } })),
  );
  await cdp.send('Fetch.enable', { handleAuthRequests: true });
  return page;
}
