-- Event time of the newest identify whose traits are merged into users.traits. Identifies can
-- arrive out of order (offline queues flushed late, client retries, one user on two
-- partitions); the sink compares against this so an older identify only fills keys the user
-- does not have yet instead of overwriting newer values. NULL (rows written before this
-- column existed): the next identify with traits is treated as newer.
ALTER TABLE users ADD COLUMN IF NOT EXISTS traits_updated_at timestamptz;
