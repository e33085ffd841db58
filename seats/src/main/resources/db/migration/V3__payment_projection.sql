-- The finance projection of payment.tx-state: one row per payment transaction and one per
-- reservation, each carrying the tx-state version it was written from, so an upsert guarded by
-- "version < EXCLUDED.version" applies a transaction's states in order however often they are
-- replayed. Distinct from seat_sales, which serves the seat map.
CREATE TABLE payment_transactions (
  payment_tx_id  TEXT PRIMARY KEY,
  status         TEXT NOT NULL,
  performance_id TEXT NOT NULL,
  seat_id        TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  hold_id        TEXT,
  amount         BIGINT NOT NULL,
  attempts       INT NOT NULL,
  pg_charge_id   TEXT,
  charged        BOOLEAN NOT NULL,
  reason         TEXT,
  message        TEXT,
  created_at     TIMESTAMPTZ NOT NULL,
  updated_at     TIMESTAMPTZ NOT NULL,
  version        BIGINT NOT NULL,
  projected_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The runbook's queries: transactions by status in a time window, and per fan and seat.
CREATE INDEX payment_transactions_by_status ON payment_transactions (status, updated_at);
CREATE INDEX payment_transactions_by_seat ON payment_transactions (performance_id, seat_id);

-- PENDING while the payment runs, CONFIRMED once it succeeded, CANCELLED once it failed.
-- No foreign key to seats: the projection must never stall on a catalog row.
CREATE TABLE reservations (
  payment_tx_id  TEXT PRIMARY KEY,
  performance_id TEXT NOT NULL,
  seat_id        TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  status         TEXT NOT NULL,
  version        BIGINT NOT NULL,
  updated_at     TIMESTAMPTZ NOT NULL
);

-- Invariant 1 in the projection: two CONFIRMED reservations of one seat cannot be stored.
CREATE UNIQUE INDEX reservations_one_confirmed_per_seat
  ON reservations (performance_id, seat_id) WHERE status = 'CONFIRMED';

-- A confirmation the index refused: kept here (and logged), so a double sale is never dropped
-- silently; the duplicates runbook starts from it.
CREATE TABLE reservation_conflicts (
  payment_tx_id  TEXT PRIMARY KEY,
  performance_id TEXT NOT NULL,
  seat_id        TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  confirmed_tx_id TEXT,
  refused_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
