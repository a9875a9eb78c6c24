-- Fewer indexes on inst_assts, for bulk writes: every index is one more
-- b-tree insert per row and, for the indexes keyed by the target instance,
-- one more page written per row of a batch. The rows are now indexed by
-- model association first; a lookup by model (an instance's rows at either
-- end: delete_inst, search_related_inst_asso, base_info, topo) names the
-- model associations with the model at that end from obj_assts (sqlstore:
-- TouchingSides, endHint). Left, besides the primary key:
--
--   inst_assts_obj_asst_src_id (supplier, obj_asst_id, inst_id, id)
--       {bk_obj_asst_id, bk_inst_id} in id order; the source end
--   inst_assts_obj_asst_id     (supplier, obj_asst_id, id)
--       {bk_obj_asst_id} in id order
--   inst_assts_pair            (supplier, obj_asst_id, asst_inst_id, inst_id) UNIQUE
--       the target end; one row per pair (n:n duplicates)
DROP INDEX inst_assts_src;
DROP INDEX inst_assts_dst;
DROP INDEX inst_assts_obj_asst_dst;
DROP INDEX inst_assts_asst_inst_id;
DROP INDEX inst_assts_unique;
CREATE UNIQUE INDEX inst_assts_pair ON inst_assts (supplier, obj_asst_id, asst_inst_id, inst_id);
