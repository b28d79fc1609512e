// Locations get coordinates (for the dashboard's map of locations and suppliers): given when a location is created,
// set or cleared with its name, refused in the page when only one is given or one is no number.
import { expect, test } from '@playwright/test';
import { startServer, type TestServer } from './server';
import { pushScans, seriousViolations } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test('locations: coordinates on create, set and cleared with the name, refused when half given', async ({ page }) => {
  await pushScans(server.url, [{ item_id: 'G-1', location_id: 'LINE-3', qty: 2 }]);
  await page.goto(`${server.url}/locations`);
  await page.getByTestId('new-location-id').fill('YARD');
  await page.getByTestId('new-location-name').fill('Yard');
  await page.getByTestId('new-location-latitude').fill('52,37');
  await page.getByTestId('new-location-longitude').fill('4.89');
  await page.getByRole('button', { name: 'Create location' }).click();
  const yard = page.locator('[data-testid="location-row"][data-location="YARD"]');
  await expect(yard.getByTestId('location-coordinates')).toHaveText('52.37, 4.89');

  const line = page.locator('[data-testid="location-row"][data-location="LINE-3"]');
  await expect(line.getByTestId('location-coordinates')).toHaveText('—');
  await page.getByRole('button', { name: 'Rename or place LINE-3' }).click();
  await page.getByLabel('Latitude of LINE-3').fill('48.1');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('give the longitude too');
  await page.getByLabel('Longitude of LINE-3').fill('east');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('The longitude must be a number');
  await page.getByLabel('Longitude of LINE-3').fill('11.58');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(line.getByTestId('location-coordinates')).toHaveText('48.1, 11.58');
  expect(await seriousViolations(page)).toEqual([]);

  // Cleared: both fields emptied.
  await page.getByRole('button', { name: 'Rename or place LINE-3' }).click();
  await page.getByLabel('Latitude of LINE-3').fill('');
  await page.getByLabel('Longitude of LINE-3').fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(line.getByTestId('location-coordinates')).toHaveText('—');
  const list = await (await fetch(`${server.url}/api/locations`)).json();
  expect(list.rows.find((r: { location_id: string }) => r.location_id === 'LINE-3')).toMatchObject({
    latitude: null,
    longitude: null
  });
});
