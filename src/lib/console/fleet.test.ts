import { describe, expect, it } from 'vitest';
import { silentWithPending, versionLabel } from './fleet';

describe('silentWithPending', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const seen = (hoursAgo: number, pending: number | null) => ({
    last_seen_at: new Date(now - hoursAgo * 3_600_000).toISOString(),
    pending_reported: pending
  });

  it('flags a device quiet for longer than the threshold with scans it reported pending', () => {
    expect(silentWithPending(seen(2.5, 3), now, 2)).toBe(true);
    expect(silentWithPending(seen(1.5, 3), now, 2)).toBe(false);
    expect(silentWithPending(seen(1.5, 3), now, 1)).toBe(true);
  });

  it('leaves alone a quiet device with nothing pending, or whose count is unknown', () => {
    expect(silentWithPending(seen(30, 0), now, 2)).toBe(false);
    expect(silentWithPending(seen(30, null), now, 2)).toBe(false);
    expect(silentWithPending(seen(30, 5), now, 0)).toBe(false);
  });
});

describe('versionLabel', () => {
  it('shows a build time in ms as a date, with the release when there is one', () => {
    expect(versionLabel('1764662400000')).toBe('built 2025-12-02 08:00 UTC');
    expect(versionLabel('0.1.0+1764662400000')).toBe('0.1.0 · built 2025-12-02 08:00 UTC');
  });
  it('leaves other names as sent', () => {
    expect(versionLabel('1.2.3')).toBe('1.2.3');
    expect(versionLabel(null)).toBe('—');
  });
});
