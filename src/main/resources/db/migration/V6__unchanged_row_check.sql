-- A group commit whose jobs' states the service still holds from its own last write sends its checks, its writes
-- and its COMMIT to PostgreSQL in one message (jobs.JobStore.commitAtOnce). A check that fails must abort the
-- transaction before the COMMIT: this raises an error with the SQLSTATE it is given (jobs.ChangedMeanwhile) when
-- the condition is not true, so the service can tell "changed meanwhile" from any other failure and go again the
-- usual way (locks first, state read back).
create function progresshub_expect(holds boolean, code text, what text) returns boolean
    language plpgsql volatile as $$
begin
    if holds is not true then
        raise exception 'progress-hub: %', what using errcode = code;
    end if;
    return true;
end
$$;
