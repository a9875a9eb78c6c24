-- Indexes ending in id for find_instance_association's documented filters
-- (see the SQLite migration of the same number): an equality prefix yields
-- the rows in the answer's order.
CREATE INDEX inst_assts_obj_asst_src_id ON inst_assts (supplier, obj_asst_id, inst_id, id);
CREATE INDEX inst_assts_obj_asst_id ON inst_assts (supplier, obj_asst_id, id);
CREATE INDEX inst_assts_asst_inst_id ON inst_assts (supplier, asst_inst_id, id);
DROP INDEX inst_assts_src;
DROP INDEX inst_assts_dst;
CREATE INDEX inst_assts_src ON inst_assts (supplier, obj_id, inst_id, id);
CREATE INDEX inst_assts_dst ON inst_assts (supplier, asst_obj_id, asst_inst_id, id);
