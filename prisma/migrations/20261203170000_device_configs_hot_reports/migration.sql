-- Configuration versions are written once and then updated in place by their device's report
-- (status, reason, applied time, what it reported), none of which is indexed. Room left on each
-- page lets that update stay on the page (a HOT update) instead of writing a new row elsewhere
-- plus three index entries: 10,000 reports a campaign step. Only pages written from now on.
ALTER TABLE "device_configs" SET (fillfactor = 50);
