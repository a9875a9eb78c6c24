-- Model layer, instances and instance associations: the PostgreSQL twin of
-- the SQLite migration with the same number. The supplier account is the
-- first key column of every table (so that a distributed engine can keep a
-- tenant's rows together); text columns that conditions compare by range
-- use the "C" collation (bytewise, as MongoDB compares strings).

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    next BIGINT NOT NULL
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE classifications (
    supplier TEXT NOT NULL,
    id       BIGINT NOT NULL,
    cls_id   TEXT NOT NULL,
    name     TEXT NOT NULL,
    doc      TEXT NOT NULL,
    PRIMARY KEY (supplier, id)
);
CREATE UNIQUE INDEX classifications_cls_id ON classifications (supplier, cls_id);

CREATE TABLE objects (
    supplier TEXT NOT NULL,
    id       BIGINT NOT NULL,
    obj_id   TEXT NOT NULL,
    doc      TEXT NOT NULL,
    PRIMARY KEY (supplier, id)
);
CREATE UNIQUE INDEX objects_obj_id ON objects (supplier, obj_id);

CREATE TABLE attributes (
    supplier    TEXT NOT NULL,
    id          BIGINT NOT NULL,
    obj_id      TEXT NOT NULL,
    property_id TEXT NOT NULL,
    biz_id      BIGINT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (supplier, id)
);
CREATE UNIQUE INDEX attributes_property ON attributes (supplier, obj_id, property_id, biz_id);

CREATE TABLE attribute_groups (
    supplier TEXT NOT NULL,
    id       BIGINT NOT NULL,
    obj_id   TEXT NOT NULL,
    group_id TEXT NOT NULL,
    biz_id   BIGINT NOT NULL,
    doc      TEXT NOT NULL,
    PRIMARY KEY (supplier, id)
);
CREATE UNIQUE INDEX attribute_groups_group ON attribute_groups (supplier, obj_id, group_id, biz_id);

CREATE TABLE unique_rules (
    supplier TEXT NOT NULL,
    id       BIGINT NOT NULL,
    obj_id   TEXT NOT NULL,
    doc      TEXT NOT NULL,
    PRIMARY KEY (supplier, id)
);
CREATE INDEX unique_rules_obj ON unique_rules (supplier, obj_id);

CREATE TABLE asst_kinds (
    supplier TEXT NOT NULL,
    id       BIGINT NOT NULL,
    asst_id  TEXT NOT NULL,
    doc      TEXT NOT NULL,
    PRIMARY KEY (supplier, id)
);
CREATE UNIQUE INDEX asst_kinds_asst_id ON asst_kinds (supplier, asst_id);

CREATE TABLE obj_assts (
    supplier    TEXT NOT NULL,
    id          BIGINT NOT NULL,
    obj_asst_id TEXT NOT NULL,
    obj_id      TEXT NOT NULL,
    asst_obj_id TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (supplier, id)
);
CREATE UNIQUE INDEX obj_assts_obj_asst_id ON obj_assts (supplier, obj_asst_id);

CREATE TABLE instances (
    supplier TEXT NOT NULL,
    obj_id   TEXT NOT NULL,
    inst_id  BIGINT NOT NULL,
    data     TEXT NOT NULL,
    PRIMARY KEY (supplier, obj_id, inst_id)
);

CREATE TABLE inst_assts (
    supplier      TEXT COLLATE "C" NOT NULL,
    id            BIGINT NOT NULL,
    obj_asst_id   TEXT COLLATE "C" NOT NULL,
    obj_id        TEXT COLLATE "C" NOT NULL,
    inst_id       BIGINT NOT NULL,
    asst_obj_id   TEXT COLLATE "C" NOT NULL,
    asst_inst_id  BIGINT NOT NULL,
    asst_id       TEXT COLLATE "C" NOT NULL,
    biz_id        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (supplier, id)
);
CREATE UNIQUE INDEX inst_assts_unique ON inst_assts (supplier, obj_asst_id, inst_id, asst_inst_id);
CREATE INDEX inst_assts_src ON inst_assts (supplier, obj_id, inst_id);
CREATE INDEX inst_assts_dst ON inst_assts (supplier, asst_obj_id, asst_inst_id);
CREATE INDEX inst_assts_obj_asst_dst ON inst_assts (supplier, obj_asst_id, asst_inst_id);
