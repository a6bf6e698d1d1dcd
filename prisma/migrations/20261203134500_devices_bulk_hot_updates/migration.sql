-- A bulk command answered by a farm's devices (get_status refreshes each device's row), the health
-- sweep and a busy telemetry window rewrite neighbouring device rows in one statement. Within one
-- statement the old versions cannot be pruned yet, so a page needs room for a new version of
-- every row on it: with 30 % free space (20261123153000_devices_hot_updates) 43 % of such
-- updates were HOT and the rest inserted into all 17 indexes of devices, the four trigram GIN
-- indexes included (115–130 ms per 2,500 rows, 200–500 ms in bench:commands). With 55 % free, all
-- were HOT (31 ms). The table ends up no larger: the non-HOT versions took new pages anyway
-- (4.7 MB either way for 10,000 devices after one rewrite).
-- Takes effect for rows written from now on: existing pages fill to the new limit as rows move.
ALTER TABLE "devices" SET (fillfactor = 45);
