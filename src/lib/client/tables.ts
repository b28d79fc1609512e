// The rows of the tablet's database that the recovery journal copies too. A file of their own so that db.ts and
// journal.ts both use them without importing each other.
import type { ScanEvent } from '../domain/events';

/** pending: not yet accepted by the server. synced: applied or duplicate. rejected: needs a person.
 *  resolved: a rejected scan a person fixed (resent as a new event) or dismissed. */
export type OutboxState = 'pending' | 'synced' | 'rejected' | 'resolved';

export interface OutboxRow {
  event_id: string;
  device_seq: number;
  state: OutboxState;
  event: ScanEvent;
  /** Device clock, ms: when the scan was committed here. */
  recorded_at: number;
  /** When the server accepted it, or a person resolved it; pruning counts from here. Unset while pending. */
  settled_at?: number;
  /** The server's reason for a rejection. */
  reason?: string;
  /** For a resolved row: the event that replaced it, if it was resent (or a supervisor's corrected event). */
  replaced_by?: string;
  /** For a resolved row: how. resent / voided: on this tablet; corrected / dismissed: by a supervisor on the server. */
  settled_as?: 'resent' | 'voided' | 'corrected' | 'dismissed';
  /** For a resolved row: false until the server has been told it was settled here (it keeps its own copy). */
  told_server?: boolean;
  /** A supervisor's note on the resolution, and who made it. */
  resolution_note?: string | null;
  resolved_by?: string | null;
}

export interface DeviceRow {
  id: 'this';
  device_id: string;
  device_name: string;
  station_id: string;
  location_id: string;
  configured_at: string;
}
