-- A source's kind says who can read its write key. `public`: web and mobile keys, shipped inside
-- pages and apps where any visitor can read them. `server`: back-end keys kept secret on a shop's
-- own servers. Only server keys may cause business effects (orders, refunds, tiers, traits);
-- ingest stamps each event with the kind of the key that sent it.
ALTER TABLE sources ADD COLUMN IF NOT EXISTS kind text;

-- Existing sources: back-end platforms were server-side already, everything else is public.
UPDATE sources SET kind = CASE WHEN platform IN ('backend', 'server') THEN 'server' ELSE 'public' END
WHERE kind IS NULL;

-- A source created without naming its kind gets the safe one.
ALTER TABLE sources ALTER COLUMN kind SET DEFAULT 'public';
ALTER TABLE sources ALTER COLUMN kind SET NOT NULL;
ALTER TABLE sources DROP CONSTRAINT IF EXISTS sources_kind_check;
ALTER TABLE sources ADD CONSTRAINT sources_kind_check CHECK (kind IN ('public', 'server'));
