// The receiving screens' shared parts: the slips database, who this tablet is, and the upload loop.
import { readDevice } from '$lib/client/db';
import { openSlipDb, uploadPending, type SlipDb } from '$lib/client/slips';
import { stationDb } from '../station/station';

let db: SlipDb | null = null;

export function slipDb(): SlipDb {
  return (db ??= openSlipDb());
}

/** The station's identity when this tablet is set up as one; else a receiving id of its own, kept in this browser. */
export async function thisDevice(): Promise<{
  device_id: string;
  location_id: string | null;
  station_id: string | null;
}> {
  const device = await readDevice(stationDb()).catch(() => undefined);
  if (device) return { device_id: device.device_id, location_id: device.location_id, station_id: device.station_id };
  let id = localStorage.getItem('linesync-receiving-device');
  if (!id) localStorage.setItem('linesync-receiving-device', (id = `recv-${crypto.randomUUID().slice(0, 8)}`));
  return { device_id: id, location_id: null, station_id: null };
}

let running: Promise<number> | null = null;

/** One upload pass at a time per tab; a call during a pass waits for it. */
export function uploadNow(): Promise<number> {
  return (running ??= uploadPending(slipDb()).finally(() => (running = null)));
}
