-- progress-hub schema. Migrations are append-only: change the schema with a new V<n>__*.sql file.

create table api_token (
    id          text        primary key,
    name        text        not null,
    project     text        not null,
    scopes      text        not null,
    token_hash  text        not null unique,
    created_at  timestamptz not null,
    expires_at  timestamptz,
    revoked_at  timestamptz
);

create table job (
    project         text        not null,
    id              text        not null,
    status          text        not null,
    operation       text,
    labels          jsonb       not null default '{}',
    state           jsonb       not null,
    version         bigint      not null,
    last_event_id   bigint      not null default 0,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    finished_at     timestamptz,
    stall_at        timestamptz,
    pruned_through  bigint      not null default 0,
    primary key (project, id)
);

-- the list endpoint pages newest first; filters narrow it further
create index job_list_idx on job (project, created_at desc, id desc);
create index job_labels_idx on job using gin (labels);
-- the stall detector only looks at jobs that are still open
create index job_stall_idx on job (stall_at) where stall_at is not null;
create index job_finished_idx on job (finished_at) where finished_at is not null;

create sequence job_event_id_seq;

create table job_event (
    id       bigint      primary key,
    project  text        not null,
    job_id   text        not null,
    type     text        not null,
    stage    text,
    at       timestamptz not null,
    body     json        not null,
    foreign key (project, job_id) references job (project, id) on delete cascade
);

create index job_event_timeline_idx on job_event (project, job_id, id);

create table idempotency_record (
    token_id      text        not null,
    idem_key      text        not null,
    request_hash  text        not null,
    status        integer,
    response      text,
    location      text,
    created_at    timestamptz not null,
    primary key (token_id, idem_key)
);

create index idempotency_created_idx on idempotency_record (created_at);
