-- The catalog: what can be sold. Seat status is not stored here: HELD lives in Redis,
-- SOLD in the seat ledger (and its Redis and SQL projections).
CREATE TABLE concerts (
  concert_id  TEXT PRIMARY KEY,
  title       TEXT NOT NULL,
  artist      TEXT NOT NULL
);

CREATE TABLE performances (
  performance_id TEXT PRIMARY KEY,
  concert_id     TEXT NOT NULL REFERENCES concerts (concert_id),
  venue          TEXT NOT NULL,
  starts_at      TIMESTAMPTZ NOT NULL,
  sale_opens_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX performances_by_concert ON performances (concert_id);

CREATE TABLE seats (
  performance_id TEXT NOT NULL REFERENCES performances (performance_id),
  seat_id        TEXT NOT NULL,
  label          TEXT NOT NULL,
  section        TEXT NOT NULL,
  price          BIGINT NOT NULL CHECK (price > 0),
  PRIMARY KEY (performance_id, seat_id)
);
