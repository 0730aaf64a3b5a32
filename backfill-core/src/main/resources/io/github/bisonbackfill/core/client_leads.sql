-- client_leads: the destination table of bison-backfill (PostgreSQL 13+, Supabase).
--
-- Idempotent: run it on a fresh database, on the production table, and again at any time. It runs
-- in one transaction: either all of it applies or none of it. What it does:
--   1. creates the table if missing (and enables row-level security only then: an existing table's
--      RLS setting is the owner's choice and is left alone);
--   2. adds every missing column (never drops, renames or retypes one);
--   3. normalises legacy lead_email values (Unicode NFC, trim, lower-case) where that creates no duplicate;
--   4. ensures the unique keys PostgREST's on_conflict needs: (lead_email, workspace_name) and
--      (bison_instance, bison_reply_id);
--   5. retires the legacy unique (bison_reply_id) only when asked to (see step 5 below);
--   6. installs the BEFORE UPDATE guard trigger (monotonic reply id + honest updated_at);
--   7. creates the KPI objects: client_leads_monthly(zone) (leads per client per month in a time
--      zone), the view client_leads_monthly_utc, and the table client_kpi_runs (`kpi --save`);
--   8. creates the small checkpoint table client_leads_checkpoints (one row per client and one for
--      the current run), used by SupabaseCheckpointStore (the CLI's run.checkpoints: supabase) so
--      that --resume and --since-last work on runners without a persistent disk;
--   9. grants them and the table to service_role (if that role exists) and reloads PostgREST's schema cache.
--
-- Options (session settings, set before running the script):
--   set bison_backfill.drop_legacy_reply_id_unique = 'on';   -- step 5
--
-- Run it with:  psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f client_leads.sql
-- or paste it into the Supabase SQL editor.

begin;

-- 1. The table ------------------------------------------------------------------------------------
do $$
begin
  if to_regclass('public.client_leads') is null then
    create table public.client_leads (
      id                     uuid        primary key default gen_random_uuid(),
      workspace_name         text        not null,
      lead_email             text        not null,
      first_name             text,
      last_name              text,
      phone                  text,
      title                  text,
      company                text,
      custom_variables       jsonb,
      date_received          timestamptz,
      email_subject          text,
      interested             boolean,
      pipeline_stage         text        default 'new',
      notes                  text,
      bison_conversation_url text,
      bison_lead_id          text,
      bison_reply_id         bigint,
      bison_reply_uuid       text,
      bison_workspace_id     bigint,
      bison_instance         text,
      created_at             timestamptz not null default now(),
      updated_at             timestamptz not null default now(),
      last_synced_at         timestamptz
    );
    -- Fresh table: nothing but service_role (which bypasses RLS) may read or write until the owner
    -- adds policies.
    alter table public.client_leads enable row level security;
  end if;
end $$;

-- 2. Missing columns (production predates bison_instance; other columns are listed so that a
--    partial legacy table is completed). NOT NULL is not added to existing tables: legacy rows may
--    hold NULLs, and the backfill always sends lead_email and workspace_name anyway.
set local client_min_messages = warning;  -- silence "column ... already exists, skipping"
alter table public.client_leads add column if not exists workspace_name         text;
alter table public.client_leads add column if not exists lead_email             text;
alter table public.client_leads add column if not exists first_name             text;
alter table public.client_leads add column if not exists last_name              text;
alter table public.client_leads add column if not exists phone                  text;
alter table public.client_leads add column if not exists title                  text;
alter table public.client_leads add column if not exists company                text;
alter table public.client_leads add column if not exists custom_variables       jsonb;
alter table public.client_leads add column if not exists date_received          timestamptz;
alter table public.client_leads add column if not exists email_subject          text;
alter table public.client_leads add column if not exists interested             boolean;
alter table public.client_leads add column if not exists pipeline_stage         text default 'new';
alter table public.client_leads add column if not exists notes                  text;
alter table public.client_leads add column if not exists bison_conversation_url text;
alter table public.client_leads add column if not exists bison_lead_id          text;
alter table public.client_leads add column if not exists bison_reply_id         bigint;
alter table public.client_leads add column if not exists bison_reply_uuid       text;
alter table public.client_leads add column if not exists bison_workspace_id     bigint;
alter table public.client_leads add column if not exists bison_instance         text;
alter table public.client_leads add column if not exists created_at             timestamptz not null default now();
alter table public.client_leads add column if not exists updated_at             timestamptz not null default now();
alter table public.client_leads add column if not exists last_synced_at         timestamptz;
set local client_min_messages = notice;

-- 3. Legacy emails. The seed stored lead_email as received (" Dana.Ortiz@x.io") although it
--    deduplicated on the lower-cased value; the backfill writes the normalised form, so an
--    un-normalised legacy row would never match the conflict key and the lead would be duplicated.
--    Rows are rewritten only where exactly one row of the workspace has that normalised email;
--    where several would collide, a person must merge them (downstream columns like pipeline_stage
--    and notes may differ): they are counted in a WARNING and left as they are.
--    The library's key is NFC first (josé@exämple.com composed or with combining marks is one lead),
--    so legacy values are NFC-normalised too (normalize(text, NFC): PostgreSQL 13+, UTF8 database);
--    an NFD row and an NFC row of one address in one workspace are a clash like any other: counted,
--    left alone. Values that are already NFC, trimmed and lower-case (everything the library wrote)
--    are not touched.
--    (lower() follows the database's collation; for ASCII it equals the library's Locale.ROOT.)
do $$
declare
  ws constant text := U&' \0009\000A\000B\000C\000D\001C\001D\001E\001F\00A0\1680\2000\2001\2002\2003\2004\2005\2006\2007\2008\2009\200A\2028\2029\202F\205F\3000\200B\2060\FEFF';
  fixed bigint;
  clashing bigint;
begin
  with norm as (
    select id, lower(btrim(normalize(lead_email, NFC), ws)) as email,
           count(*) over (partition by workspace_name, lower(btrim(normalize(lead_email, NFC), ws))) as n
    from public.client_leads
    where lead_email is not null
  )
  update public.client_leads c
     set lead_email = norm.email
    from norm
   where c.id = norm.id and norm.n = 1 and c.lead_email <> norm.email;
  get diagnostics fixed = row_count;

  select count(*) into clashing
    from (select 1
            from public.client_leads
           where lead_email is not null
           group by workspace_name, lower(btrim(normalize(lead_email, NFC), ws))
          having count(*) > 1) g;
  if fixed > 0 then
    raise notice 'client_leads: normalised % legacy lead_email value(s) (NFC, trimmed, lower-cased)', fixed;
  end if;
  if clashing > 0 then
    raise warning 'client_leads: % (workspace_name, email) group(s) hold several rows that differ only in case/whitespace/Unicode form of lead_email; they were left untouched. Merge them by hand: select workspace_name, lower(btrim(normalize(lead_email, NFC))), array_agg(id) from client_leads group by 1, 2 having count(*) > 1', clashing;
  end if;
end $$;

-- Helper for steps 4-5 (session-local, disappears at disconnect): the name of a valid, non-partial,
-- non-expression unique index on exactly these columns (in any order, as ON CONFLICT infers), or NULL.
create or replace function pg_temp.bb_unique_index(tbl regclass, cols text[])
returns regclass language sql stable as $fn$
  select i.indexrelid::regclass
    from pg_index i
   where i.indrelid = tbl
     and i.indisunique and i.indisvalid
     and i.indpred is null and i.indexprs is null
     and (select array_agg(a.attname::text order by a.attname::text)
            from unnest(i.indkey::int2[]) k
            join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k)
       = (select array_agg(c order by c) from unnest(cols) c)
   order by i.indexrelid
   limit 1
$fn$;

-- 4. Unique keys. PostgREST's on_conflict needs a real unique constraint or a non-partial unique
--    index on exactly the conflict columns; an existing one (whatever its name) is reused.
do $$
declare
  dupes bigint;
begin
  if pg_temp.bb_unique_index('public.client_leads', array['lead_email', 'workspace_name']) is null then
    select count(*) into dupes from (
      select 1 from public.client_leads
       where lead_email is not null and workspace_name is not null
       group by lead_email, workspace_name having count(*) > 1) d;
    if dupes > 0 then
      raise exception 'client_leads: cannot add unique (lead_email, workspace_name): % pair(s) occur more than once; merge those rows first (select lead_email, workspace_name, array_agg(id) from client_leads group by 1, 2 having count(*) > 1)', dupes;
    end if;
    alter table public.client_leads
      add constraint client_leads_lead_email_workspace_name_key unique (lead_email, workspace_name);
  end if;

  -- Reply ids are unique per instance only. Legacy rows have bison_instance NULL, and NULLs are
  -- distinct in a unique index, so this cannot fail on existing data.
  if pg_temp.bb_unique_index('public.client_leads', array['bison_instance', 'bison_reply_id']) is null then
    alter table public.client_leads
      add constraint client_leads_bison_instance_reply_id_key unique (bison_instance, bison_reply_id);
  end if;
end $$;

-- 5. The legacy unique (bison_reply_id). It rejects (409, 23505) a lead of a second instance whose
--    reply id collides with one of the first, so the backfill of several instances needs it gone.
--    But another writer (e.g. an older webhook function) may still upsert with
--    on_conflict=bison_reply_id, and would start failing (42P10) the moment it is dropped. So it is
--    dropped only on request, after such writers moved to on_conflict=lead_email,workspace_name:
--      set bison_backfill.drop_legacy_reply_id_unique = 'on';
--    Until then a collision is reported by the writer as a rejected row, never lost silently.
--    A foreign key referencing it blocks the drop (reported, nothing cascades).
do $$
declare
  idx regclass := pg_temp.bb_unique_index('public.client_leads', array['bison_reply_id']);
  idx_name text := idx::text;
  con name;
  drop_it boolean := coalesce(current_setting('bison_backfill.drop_legacy_reply_id_unique', true), '') in ('on', 'true', '1');
begin
  if idx is null then
    return;
  end if;
  if not drop_it then
    raise warning 'client_leads: legacy unique index % on (bison_reply_id) kept: reply ids collide across instances, so a second instance''s lead can be rejected (23505). Once no writer uses on_conflict=bison_reply_id, re-run with: set bison_backfill.drop_legacy_reply_id_unique = ''on'';', idx;
    return;
  end if;
  if exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = idx) then
    raise warning 'client_leads: legacy unique index % on (bison_reply_id) kept: a foreign key depends on it', idx;
    return;
  end if;
  select conname into con from pg_constraint where conindid = idx and conrelid = 'public.client_leads'::regclass
     and contype in ('u', 'p');
  if con is not null then
    execute format('alter table public.client_leads drop constraint %I', con);
  else
    execute format('drop index %s', idx);
  end if;
  raise notice 'client_leads: dropped legacy unique % on (bison_reply_id); (bison_instance, bison_reply_id) replaces it', idx_name;
end $$;

-- 6. The guard. BEFORE UPDATE, so it also acts on the UPDATE branch of PostgREST's upsert
--    (INSERT ... ON CONFLICT DO UPDATE):
--    a) Monotonic reply: an update carrying an older bison_reply_id than the stored one (a slow
--       backfill racing a webhook) keeps every stored reply-derived column. Ids of two different
--       non-NULL instances are not comparable; then the later date_received wins. A NULL incoming id
--       never replaces a stored one. Non-numeric legacy ids (a text column) are treated as absent.
--    d) Lead profile columns (first_name, last_name, phone, title, company, custom_variables): an
--       incoming NULL (custom_variables: NULL or []) keeps the stored value; a minimal nested lead
--       must not erase what a full one wrote. A value removed in Email Bison therefore stays here.
--    b) last_synced_at only moves forward, and moves even when (a) kept the stored row: the sync did
--       see the lead.
--    c) updated_at: set to now() only when some column other than updated_at and last_synced_at
--       actually changed (downstream and premium columns included); else the stored value stays.
--       So a re-run with identical data changes no row's updated_at, while PostgREST still counts
--       the row as written (the update is not skipped: returning NULL here would make the writer's
--       acknowledged count disagree with what it sent).
--    The trigger is named to sort last: PostgreSQL fires BEFORE triggers alphabetically, so this
--    one has the final word over a legacy "set updated_at = now()" trigger (e.g. moddatetime).
--    Reply-derived columns, kept by (a): first_name, last_name, phone, title, company,
--    custom_variables, date_received, email_subject, interested, bison_conversation_url,
--    bison_lead_id, bison_reply_id, bison_reply_uuid, bison_workspace_id, bison_instance.
create or replace function public.client_leads_bison_backfill_guard()
returns trigger
language plpgsql
set search_path = ''
as $fn$
declare
  old_id bigint := case when OLD.bison_reply_id::text ~ '^[0-9]{1,18}$' then OLD.bison_reply_id::text::bigint end;
  new_id bigint := case when NEW.bison_reply_id::text ~ '^[0-9]{1,18}$' then NEW.bison_reply_id::text::bigint end;
  stale  boolean := false;
begin
  if old_id is not null then
    if OLD.bison_instance is not null and NEW.bison_instance is not null
       and OLD.bison_instance <> NEW.bison_instance then
      stale := NEW.date_received is null
               or (OLD.date_received is not null and NEW.date_received < OLD.date_received);
    else
      stale := new_id is null or new_id < old_id;
    end if;
  end if;

  if stale then
    NEW.first_name             := OLD.first_name;
    NEW.last_name              := OLD.last_name;
    NEW.phone                  := OLD.phone;
    NEW.title                  := OLD.title;
    NEW.company                := OLD.company;
    NEW.custom_variables       := OLD.custom_variables;
    NEW.date_received          := OLD.date_received;
    NEW.email_subject          := OLD.email_subject;
    NEW.interested             := OLD.interested;
    NEW.bison_conversation_url := OLD.bison_conversation_url;
    NEW.bison_lead_id          := OLD.bison_lead_id;
    NEW.bison_reply_id         := OLD.bison_reply_id;
    NEW.bison_reply_uuid       := OLD.bison_reply_uuid;
    NEW.bison_workspace_id     := OLD.bison_workspace_id;
    NEW.bison_instance         := OLD.bison_instance;
  end if;

  -- d) A lead profile value the source did not send (Email Bison's nested lead is sometimes minimal or
  --    absent) never erases a stored one: NULL, or custom_variables NULL or [], keeps what is stored.
  NEW.first_name := coalesce(NEW.first_name, OLD.first_name);
  NEW.last_name  := coalesce(NEW.last_name, OLD.last_name);
  NEW.phone      := coalesce(NEW.phone, OLD.phone);
  NEW.title      := coalesce(NEW.title, OLD.title);
  NEW.company    := coalesce(NEW.company, OLD.company);
  if NEW.custom_variables is null
     or NEW.custom_variables operator(pg_catalog.=) '[]'::pg_catalog.jsonb then
    NEW.custom_variables := coalesce(OLD.custom_variables, NEW.custom_variables);
  end if;

  NEW.last_synced_at := greatest(OLD.last_synced_at, NEW.last_synced_at);

  if (pg_catalog.to_jsonb(NEW) operator(pg_catalog.-) 'updated_at' operator(pg_catalog.-) 'last_synced_at')
     is distinct from
     (pg_catalog.to_jsonb(OLD) operator(pg_catalog.-) 'updated_at' operator(pg_catalog.-) 'last_synced_at') then
    NEW.updated_at := pg_catalog.now();
  else
    NEW.updated_at := OLD.updated_at;
  end if;
  return NEW;
end
$fn$;

set local client_min_messages = warning;
drop trigger if exists zz_client_leads_bison_backfill_guard on public.client_leads;
set local client_min_messages = notice;
create trigger zz_client_leads_bison_backfill_guard
  before update on public.client_leads
  for each row execute function public.client_leads_bison_backfill_guard();

-- Other BEFORE UPDATE triggers still fire first; say so, since they could change columns after
-- nothing else would notice.
do $$
declare
  others text;
begin
  select string_agg(tgname, ', ' order by tgname) into others
    from pg_trigger
   where tgrelid = 'public.client_leads'::regclass and not tgisinternal
     and tgname <> 'zz_client_leads_bison_backfill_guard'
     and (tgtype & 2) <> 0      -- BEFORE
     and (tgtype & 16) <> 0;    -- UPDATE
  if others is not null then
    raise notice 'client_leads: other BEFORE UPDATE trigger(s) fire before the guard: %', others;
  end if;
end $$;

-- 7. KPIs: what a dashboard tool reads -----------------------------------------------------------
--    client_leads_monthly(zone): rows per workspace_name and calendar month of date_received in an
--    IANA zone ('Europe/Berlin'); the same half-open month windows as the library's BillingWindow, so
--    a past month's figure equals `kpi --month` rows_in_window for that zone. An unknown zone is an
--    error ('time zone "..." not recognized'). Rows without date_received are not counted.
--      select * from client_leads_monthly('America/Los_Angeles') where month = '2026-10';
--    Through PostgREST: GET /rest/v1/rpc/client_leads_monthly?zone=America/Los_Angeles
create or replace function public.client_leads_monthly(zone text default 'UTC')
returns table (workspace_name text, month text, leads bigint)
language sql
stable
set search_path = ''
as $fn$
  select c.workspace_name, pg_catalog.to_char(c.date_received at time zone $1, 'YYYY-MM'), pg_catalog.count(*)
    from public.client_leads c
   where c.date_received is not null
   group by 1, 2
$fn$;

create or replace view public.client_leads_monthly_utc as
  select workspace_name, month, leads from public.client_leads_monthly('UTC');

-- A view runs with its owner's rights unless security_invoker (PostgreSQL 15+): make it the reader's,
-- so that row-level security on client_leads applies to it too.
do $$
begin
  if current_setting('server_version_num')::int >= 150000 then
    execute 'alter view public.client_leads_monthly_utc set (security_invoker = true)';
  end if;
end $$;

--    client_kpi_runs: the history `kpi --save` appends to, one row per client and KPI run (all rows of
--    one run share kpi_run_id). Its columns are the KPI CSV's.
do $$
begin
  if to_regclass('public.client_kpi_runs') is null then
    create table public.client_kpi_runs (
      id                 uuid        primary key default gen_random_uuid(),
      kpi_run_id         uuid        not null,
      saved_at           timestamptz not null default now(),
      month              text        not null,
      zone               text        not null,
      window_start       timestamptz not null,
      window_end         timestamptz not null,
      instance           text        not null,
      workspace_id       bigint      not null,
      client             text        not null,
      leads              bigint,
      rows_in_window     bigint,
      eb_unique_leads    bigint,
      eb_replies         bigint,
      eb_interested_stat bigint,
      error              text
    );
    alter table public.client_kpi_runs enable row level security;  -- as client_leads: service_role only
  end if;
end $$;
create index if not exists client_kpi_runs_client_month_idx on public.client_kpi_runs (client, month);

-- 8. The checkpoint table (SupabaseCheckpointStore). The run entry has instance '', workspace_id 0
--    and client_name ''; seq keeps the order in which clients were first recorded. New columns are
--    only ever added, like the leads table's.
do $$
begin
  if to_regclass('public.client_leads_checkpoints') is null then
    create table public.client_leads_checkpoints (
      instance            text        not null,
      workspace_id        bigint      not null,
      client_name         text        not null,
      run_id              text        not null,
      status              text,
      rows_written        bigint      not null default 0,
      high_water_reply_id bigint,
      updated_at          timestamptz not null default now(),
      seq                 bigserial,
      primary key (instance, workspace_id, client_name)
    );
    alter table public.client_leads_checkpoints enable row level security;
  end if;
end $$;

-- 9. Grants and PostgREST --------------------------------------------------------------------------
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'service_role') then
    grant usage on schema public to service_role;
    grant select, insert, update, delete on table public.client_leads to service_role;
    grant select, insert, update, delete on table public.client_leads_checkpoints to service_role;
    grant usage, select on sequence public.client_leads_checkpoints_seq_seq to service_role;
    grant select, insert on table public.client_kpi_runs to service_role;
    grant select on public.client_leads_monthly_utc to service_role;
    grant execute on function public.client_leads_monthly(text) to service_role;
  else
    raise warning 'client_leads: role service_role does not exist; no grants given (PostgREST''s writer role needs select, insert, update)';
  end if;
end $$;

notify pgrst, 'reload schema';

commit;
