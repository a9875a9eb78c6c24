-- The instance value index and unique keys (see the SQLite migration of the
-- same number and cmdb.InstanceTx). kind separates MongoDB's type brackets;
-- num is NUMERIC so that integers and floats compare exactly; str uses the
-- "C" collation so ranges compare bytewise. No backfill is needed: on
-- PostgreSQL the preset instances are written after this migration.
CREATE TABLE inst_values (
    supplier TEXT NOT NULL,
    obj_id   TEXT NOT NULL,
    inst_id  BIGINT NOT NULL,
    field    TEXT NOT NULL,
    kind     INTEGER NOT NULL,
    num      NUMERIC,
    str      TEXT COLLATE "C"
);
CREATE INDEX inst_values_str ON inst_values (supplier, obj_id, field, kind, str, inst_id) WHERE str IS NOT NULL;
CREATE INDEX inst_values_num ON inst_values (supplier, obj_id, field, kind, num, inst_id) WHERE num IS NOT NULL;
CREATE INDEX inst_values_inst ON inst_values (supplier, obj_id, inst_id);

CREATE TABLE inst_unique (
    supplier TEXT NOT NULL,
    obj_id   TEXT NOT NULL,
    rule_id  BIGINT NOT NULL,
    key_hash TEXT NOT NULL,
    inst_id  BIGINT NOT NULL,
    PRIMARY KEY (supplier, obj_id, rule_id, key_hash)
);
CREATE INDEX inst_unique_inst ON inst_unique (supplier, obj_id, inst_id);
