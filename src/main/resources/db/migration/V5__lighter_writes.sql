-- Every group commit rewrites job.state and inserts timeline rows; these two changes cut PostgreSQL's work there.
--
-- job.state is written whole on every change and only ever read back whole by the service, never queried into:
-- json (checked, stored as sent) instead of jsonb (parsed into its binary form on every write, a third of an
-- update's cost for a 1 KB state).
alter table job alter column state type json using state::json;

-- The foreign key ran a lookup of the job row for every timeline row inserted (a quarter of the insert's cost).
-- Timeline rows are only ever inserted by the writer holding the job's row lock, and deleting a job deletes its
-- rows in the same statement (JobRows.delete), so the key can no longer be broken by the service.
alter table job_event drop constraint job_event_project_job_id_fkey;
