-- Seat holds when Redis cannot be reached: one row per seat, taken by a conditional upsert (the
-- row lock), free again when released or past expires_at. Redis stays the fast path.
CREATE TABLE seat_holds (
  performance_id TEXT NOT NULL,
  seat_id        TEXT NOT NULL,
  hold_id        TEXT UNIQUE,
  user_id        TEXT,
  fencing_token  BIGINT NOT NULL,
  held_at        TIMESTAMPTZ,
  expires_at     TIMESTAMPTZ,
  paying         BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (performance_id, seat_id),
  FOREIGN KEY (performance_id, seat_id) REFERENCES seats (performance_id, seat_id)
);

CREATE INDEX seat_holds_by_fan ON seat_holds (performance_id, user_id) WHERE hold_id IS NOT NULL;

-- Seats sold, projected from payment.tx-state. The primary key makes a second sale of a seat
-- impossible to store; the seat map reads SOLD here, and the fallback refuses these seats.
CREATE TABLE seat_sales (
  performance_id TEXT NOT NULL,
  seat_id        TEXT NOT NULL,
  payment_tx_id  TEXT NOT NULL UNIQUE,
  user_id        TEXT NOT NULL,
  sold_at        TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (performance_id, seat_id),
  FOREIGN KEY (performance_id, seat_id) REFERENCES seats (performance_id, seat_id)
);
