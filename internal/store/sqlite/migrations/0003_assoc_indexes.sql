-- Indexes for find_instance_association's documented filters whose last
-- column is id: an equality prefix then yields the rows already in the
-- answer's order (ascending id), so SQLite neither scans the table in
-- primary-key order (the plan it picks without statistics, because the
-- supplier column every index starts with looks selective) nor sorts.
--
--   {bk_obj_asst_id, bk_inst_id}  inst_assts_obj_asst_src_id
--   {bk_obj_asst_id}              inst_assts_obj_asst_id
--   {bk_asst_inst_id}             inst_assts_asst_inst_id
--
-- The cost of such a query follows the size of its answer, not of the table.
CREATE INDEX inst_assts_obj_asst_src_id ON inst_assts (supplier, obj_asst_id, inst_id, id);
CREATE INDEX inst_assts_obj_asst_id ON inst_assts (supplier, obj_asst_id, id);
CREATE INDEX inst_assts_asst_inst_id ON inst_assts (supplier, asst_inst_id, id);

-- The per-end indexes get the same id suffix: base_info's and
-- search_inst_association_topo's filters pin (bk_obj_id, bk_inst_id) or
-- (bk_asst_obj_id, bk_asst_inst_id) and read in id order too.
DROP INDEX inst_assts_src;
DROP INDEX inst_assts_dst;
CREATE INDEX inst_assts_src ON inst_assts (supplier, obj_id, inst_id, id);
CREATE INDEX inst_assts_dst ON inst_assts (supplier, asst_obj_id, asst_inst_id, id);
