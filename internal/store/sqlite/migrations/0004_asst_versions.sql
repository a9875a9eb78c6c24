-- Versions of the instance associations, for the exact cache of encoded
-- find_instance_association answers (internal/service/asstcache.go).
--
-- One row per supplier, model and model association: obj_id is a model at
-- one end (either) of rows of obj_asst_id. Every statement that inserts or
-- deletes inst_assts rows (sqlstore: InsertInstAsst, InsertInstAssts,
-- DeleteInstAssts) adds one, in the same transaction, to the version of
-- each (row supplier, end model, row model association) among its rows,
-- once per call. A read of the associations of model M in a scope sums the
-- versions of M's rows of the suppliers in the scope, in the snapshot it
-- reads the associations from: versions never decrease and rows are never
-- deleted, so two snapshots (one always contains the other) with the same
-- sum saw the same associations of M.
--
-- The model association is part of the key (not only the model) so that
-- writers of different model associations sharing a model never update the
-- same row: on PostgreSQL a hot row makes concurrent SERIALIZABLE writers
-- fail and retry; writers of one model association already serialise on its
-- lock. version is in no index, so PostgreSQL updates the row in place (HOT).
CREATE TABLE asst_versions (
    supplier    TEXT NOT NULL,
    obj_id      TEXT NOT NULL,
    obj_asst_id TEXT NOT NULL,
    version     INTEGER NOT NULL,
    PRIMARY KEY (supplier, obj_id, obj_asst_id)
);
