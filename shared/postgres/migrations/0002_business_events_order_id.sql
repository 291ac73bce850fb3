-- The sink looks up refunds recorded before their purchase by the order id inside the event's
-- properties; without this index each batch with orders scans business_events.
CREATE INDEX IF NOT EXISTS business_events_order_id ON business_events ((properties ->> 'order_id'));
