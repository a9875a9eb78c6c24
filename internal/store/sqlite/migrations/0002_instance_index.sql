-- Instance value index and unique keys (cmdb.InstanceTx explains the model).
--
-- inst_values holds one row per top-level scalar value of an instance and
-- per distinct scalar element of a top-level array; kind separates the
-- MongoDB type brackets (2 bool, 3 number, 4 string, 5 date). num has no
-- declared type on purpose: integers stay INTEGER and other numbers REAL, so
-- that comparisons are exact across both (as MongoDB's). Nulls, objects and
-- nested arrays are not indexed. The two partial indexes serve equality, IN
-- and ranges on strings and on numbers / dates / bools.
CREATE TABLE inst_values (
    supplier TEXT NOT NULL,
    obj_id   TEXT NOT NULL,
    inst_id  INTEGER NOT NULL,
    field    TEXT NOT NULL,
    kind     INTEGER NOT NULL,
    num,
    str      TEXT
);
CREATE INDEX inst_values_str ON inst_values (supplier, obj_id, field, kind, str, inst_id) WHERE str IS NOT NULL;
CREATE INDEX inst_values_num ON inst_values (supplier, obj_id, field, kind, num, inst_id) WHERE num IS NOT NULL;
CREATE INDEX inst_values_inst ON inst_values (supplier, obj_id, inst_id);

-- inst_unique holds one row per unique rule per instance whose key fields
-- are all set; the primary key is the constraint that makes a rule hold
-- under concurrent writers.
CREATE TABLE inst_unique (
    supplier TEXT NOT NULL,
    obj_id   TEXT NOT NULL,
    rule_id  INTEGER NOT NULL,
    key_hash TEXT NOT NULL,
    inst_id  INTEGER NOT NULL,
    PRIMARY KEY (supplier, obj_id, rule_id, key_hash)
) WITHOUT ROWID;
CREATE INDEX inst_unique_inst ON inst_unique (supplier, obj_id, inst_id);

-- Backfill the value index of instances written before this migration (the
-- preset instances): scalars, then array elements; the four instance time
-- fields are dates.
INSERT INTO inst_values (supplier, obj_id, inst_id, field, kind, num, str)
SELECT i.supplier, i.obj_id, i.inst_id, j.key,
       CASE WHEN j.type IN ('true', 'false') THEN 2
            WHEN j.type IN ('integer', 'real') THEN 3
            WHEN j.key IN ('create_time', 'last_time', 'bk_created_at', 'bk_updated_at')
                 AND unixepoch(j.value, 'subsec') IS NOT NULL THEN 5
            ELSE 4 END,
       CASE WHEN j.type IN ('true', 'false', 'integer', 'real') THEN j.atom
            WHEN j.key IN ('create_time', 'last_time', 'bk_created_at', 'bk_updated_at')
                 AND unixepoch(j.value, 'subsec') IS NOT NULL
                 THEN CAST(round(unixepoch(j.value, 'subsec') * 1000) AS INTEGER)
            END,
       CASE WHEN j.type = 'text' AND NOT (j.key IN ('create_time', 'last_time', 'bk_created_at', 'bk_updated_at')
                 AND unixepoch(j.value, 'subsec') IS NOT NULL) THEN j.value END
FROM instances i, json_each(i.data) j
WHERE j.type NOT IN ('null', 'array', 'object')
  AND j.key NOT IN ('bk_obj_id', 'bk_supplier_account')
  AND j.key <> CASE i.obj_id WHEN 'host' THEN 'bk_host_id' WHEN 'biz' THEN 'bk_biz_id'
                 WHEN 'set' THEN 'bk_set_id' WHEN 'module' THEN 'bk_module_id' WHEN 'plat' THEN 'bk_cloud_id'
                 WHEN 'process' THEN 'bk_process_id' WHEN 'bk_biz_set_obj' THEN 'bk_biz_set_id'
                 WHEN 'bk_project' THEN 'id' ELSE 'bk_inst_id' END;

INSERT INTO inst_values (supplier, obj_id, inst_id, field, kind, num, str)
SELECT DISTINCT i.supplier, i.obj_id, i.inst_id, j.key,
       CASE WHEN e.type IN ('true', 'false') THEN 2 WHEN e.type IN ('integer', 'real') THEN 3 ELSE 4 END,
       CASE WHEN e.type <> 'text' THEN e.atom END,
       CASE WHEN e.type = 'text' THEN e.value END
FROM instances i, json_each(i.data) j, json_each(j.value) e
WHERE j.type = 'array' AND e.type NOT IN ('null', 'array', 'object')
  AND j.key NOT IN ('bk_obj_id', 'bk_supplier_account');
