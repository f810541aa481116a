-- Share links are tokens limited to one job (CONTRACT section 1).
alter table api_token add column job_id text;

-- Stream tickets: single-use, short-lived, stored hashed like tokens. In the database rather than in memory
-- so that whichever instance the stream request reaches can redeem it, exactly once (delete ... returning).
create table stream_ticket (
    ticket_hash text        primary key,
    token_id    text        not null,
    expires_at  timestamptz not null
);

create index stream_ticket_expires_idx on stream_ticket (expires_at);
