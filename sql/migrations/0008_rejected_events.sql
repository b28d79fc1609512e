-- Every event the server refused, as it was sent, kept until a person resolves it: a rejected scan must not live
-- only on a tablet that can be wiped or lost. Written in the same transaction as the push that answered `rejected`.
CREATE TABLE rejected_events (
  rejection_id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  device_id           text NOT NULL,
  event_id            text NOT NULL,          -- as sent: '' or not a UUID when the event itself was malformed
  payload             jsonb NOT NULL,         -- the event as sent (NUL and lone surrogates, which jsonb cannot hold, as U+FFFD)
  reason              text NOT NULL,          -- the last reason given
  user_email          text,                   -- who was signed in on the device when it was refused
  first_rejected_at   timestamptz NOT NULL DEFAULT now(),
  last_rejected_at    timestamptz NOT NULL DEFAULT now(),
  rejected_count      integer NOT NULL DEFAULT 1,
  resolved_at         timestamptz,
  resolved_by         text,
  -- corrected: a supervisor wrote a corrected event; dismissed: a supervisor decided it does not count;
  -- resent / voided: the worker fixed and resent it, or voided it, on the tablet.
  resolution          text CHECK (resolution IN ('corrected', 'dismissed', 'resent', 'voided')),
  resolution_note     text,
  corrected_event_id  uuid,                   -- the event that replaced it (corrected or resent), when there is one
  UNIQUE (device_id, event_id),
  CHECK ((resolved_at IS NULL) = (resolution IS NULL))
);
CREATE INDEX rejected_events_waiting ON rejected_events (device_id, first_rejected_at) WHERE resolved_at IS NULL;
CREATE INDEX rejected_events_recent ON rejected_events (last_rejected_at DESC);
ALTER TABLE rejected_events REPLICA IDENTITY FULL;
