-- Where a received message is in its session's event log (docs/API.md "Downloading received files"): the file's keys
-- and path are in the event, not in the store, so a download reads that one event back. Null for sends and for rows
-- written before this column existed (a download then scans the log).
ALTER TABLE store_messages ADD COLUMN seq INTEGER;
