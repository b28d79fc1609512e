// The receiving review on a tablet: every field a finger can hit (at least 44 px), and a slip with no location
// chosen is flagged before Receive, not refused after it.
import { expect, test } from '@playwright/test';
import { slipFixtures } from '../fixtures/slips';
import { startServer, type TestServer } from './server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test('review fields are 44 px or more, and an unset location is flagged before Receive', async ({ page }) => {
  const classic = (await slipFixtures()).find((f) => f.name === 'classic')!;
  await page.goto(`${server.url}/receive`);
  await page
    .getByTestId('slip-file')
    .setInputFiles({ name: 'acme-ps-1001.pdf', mimeType: 'application/pdf', buffer: Buffer.from(classic.bytes) });
  const slip = page.getByTestId('local-slip');
  await expect(slip.getByTestId('slip-status')).toHaveText('Ready to review', { timeout: 60_000 });
  await slip.getByTestId('slip-review').click();
  await expect(page.getByTestId('slip-line')).toHaveCount(3);

  const small = await page.evaluate(() =>
    [...document.querySelectorAll('main input, main button, main select, main header a')]
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.height < 44)
      .map(
        ({ e, r }) =>
          `${e.tagName} ${e.getAttribute('aria-label') ?? e.closest('label')?.textContent?.trim().slice(0, 20) ?? e.textContent?.trim()} ${Math.round(r.height)} px`
      )
  );
  expect(small).toEqual([]);

  // This browser was never set up as a station: no location comes from the device.
  const location = page.getByTestId('receive-location');
  await expect(location).toHaveValue('');
  await expect(page.getByTestId('location-missing')).toBeVisible();
  await expect(location).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('receive-button')).toBeDisabled();
  await location.fill('LINE-1');
  await expect(page.getByTestId('location-missing')).toHaveCount(0);
  await expect(page.getByTestId('receive-button')).toBeEnabled();
});
