-- A group commit whose jobs' states the service still holds from its own last write sends its checks, its writes
-- and its COMMIT to PostgreSQL in one message (jobs.JobRows.checkingUnchanged, IngestCommitter). A check that
-- fails must abort the transaction before the COMMIT: this raises an error of its own SQLSTATE when the condition
-- is not true, so the service can tell "a row changed meanwhile" from any other failure and go again the usual
-- way (locks first, state read back).
create function progresshub_expect(holds boolean, what text) returns boolean
    language plpgsql volatile as $$
begin
    if holds is not true then
        raise exception 'progress-hub: %', what using errcode = 'PH409';
    end if;
    return true;
end
$$;
