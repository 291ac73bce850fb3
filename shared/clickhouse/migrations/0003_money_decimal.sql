-- Money as Decimal(18, 4) instead of Float64, so sums over revenue are exact (no 0.30000000000000004
-- artefacts for analysts). 4 decimals cover every ISO 4217 minor unit; 14 integer digits cover any
-- real order. Both statements are idempotent: a rerun finds nothing out of range and MODIFY COLUMN
-- to the type a column already has is a no-op.
-- Values the Decimal cannot hold would fail the type-change mutation and leave it stuck, so they
-- are nulled first (the sink never writes them: sink/core/clickhouse_row.ts). mutations_sync = 2
-- makes the conversion run only after the cleanup has finished on every part. Each column gets a
-- plain `= NULL`: `if(ok, x, NULL)` keeps x under the null mask, and the cast still trips on it.
ALTER TABLE {database}.events
    UPDATE revenue = NULL WHERE NOT (abs(revenue) < 1e14),
    UPDATE revenue_base = NULL WHERE NOT (abs(revenue_base) < 1e14),
    UPDATE product_price = NULL WHERE NOT (abs(product_price) < 1e14)
    SETTINGS mutations_sync = 2;

ALTER TABLE {database}.events
    MODIFY COLUMN revenue Nullable(Decimal(18, 4)),
    MODIFY COLUMN revenue_base Nullable(Decimal(18, 4)),
    MODIFY COLUMN product_price Nullable(Decimal(18, 4))
    SETTINGS mutations_sync = 2;
