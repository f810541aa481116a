-- A job row is rewritten on every group commit that touches it. Room left free on each page lets PostgreSQL put
-- the new version beside the old one (a HOT update: no new index entries); a hot job's row otherwise often
-- finds its page full and updates through every index. Applies to pages written from now on.
alter table job set (fillfactor = 50);
