-- The waiting room of a performance (issue 9). NULL means "the setting's default"
-- (QUEUE_ENABLED, QUEUE_ADMIT_PER_SECOND, QUEUE_MAX_ADMITTED), so a deployment can turn the
-- queue on for every performance at once, and an operator can override one performance
-- (`./soldout queue enable <performance>`). Fans who join before sale_opens_at are shuffled.
ALTER TABLE performances
  ADD COLUMN queue_enabled          BOOLEAN,
  ADD COLUMN queue_admit_per_second INTEGER CHECK (queue_admit_per_second > 0),
  ADD COLUMN queue_max_admitted     INTEGER CHECK (queue_max_admitted > 0);
