-- Versions of the instance associations, for the exact cache of encoded
-- find_instance_association answers: the PostgreSQL twin of the SQLite
-- migration with the same number, which explains the table. A read sums the
-- versions in the snapshot of its rows, so every node over the database
-- sees a write in its next read.
CREATE TABLE asst_versions (
    supplier    TEXT NOT NULL,
    obj_id      TEXT NOT NULL,
    obj_asst_id TEXT NOT NULL,
    version     BIGINT NOT NULL,
    PRIMARY KEY (supplier, obj_id, obj_asst_id)
);
