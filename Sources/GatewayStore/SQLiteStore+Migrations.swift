import GRDB

extension SQLiteStore {
    /// The schema, as named, append-only migrations. Never edit a shipped migration; add one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ingest") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        receivedAt INTEGER NOT NULL,
                        channel TEXT NOT NULL,
                        format TEXT NOT NULL,
                        mnsMessageId TEXT,
                        source TEXT NOT NULL DEFAULT '',
                        messageId TEXT,
                        type TEXT,
                        subject TEXT,
                        eventTime TEXT,
                        taskId TEXT,
                        taskType TEXT,
                        status TEXT,
                        projectName TEXT,
                        datasetName TEXT,
                        decodeState TEXT NOT NULL,
                        decodeError TEXT,
                        contentText TEXT,
                        parsedContent TEXT,
                        evidence TEXT NOT NULL,
                        requestMethod TEXT NOT NULL,
                        requestTarget TEXT NOT NULL,
                        requestHeaders TEXT NOT NULL,
                        requestBody BLOB NOT NULL,
                        duplicateCount INTEGER NOT NULL DEFAULT 0,
                        lastDuplicateAt INTEGER
                    );
                    CREATE UNIQUE INDEX event_mnsMessageId ON event(mnsMessageId) WHERE mnsMessageId IS NOT NULL;
                    CREATE UNIQUE INDEX event_source_messageId ON event(source, messageId) WHERE messageId IS NOT NULL;
                    CREATE INDEX event_taskId ON event(taskId);
                    CREATE TABLE rejection (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        receivedAt INTEGER NOT NULL,
                        channel TEXT NOT NULL,
                        httpStatus INTEGER NOT NULL,
                        reason TEXT NOT NULL,
                        message TEXT NOT NULL,
                        requestMethod TEXT NOT NULL,
                        requestTarget TEXT NOT NULL,
                        requestHeaders TEXT NOT NULL,
                        requestBody BLOB NOT NULL,
                        bodySize INTEGER NOT NULL
                    );
                    CREATE TABLE certificate (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        url TEXT NOT NULL UNIQUE,
                        pem BLOB NOT NULL,
                        fingerprint TEXT NOT NULL,
                        fetchedAt INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-tasks") { db in
            try db.execute(
                sql: """
                    ALTER TABLE event ADD COLUMN correlatedTaskId TEXT;
                    CREATE INDEX event_correlatedTaskId ON event(correlatedTaskId, id);
                    CREATE INDEX event_messageId ON event(messageId) WHERE messageId IS NOT NULL;
                    CREATE TABLE submission (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        taskId TEXT NOT NULL UNIQUE,
                        eventId TEXT,
                        document TEXT NOT NULL,
                        createdAt INTEGER NOT NULL
                    );
                    CREATE INDEX submission_eventId ON submission(eventId) WHERE eventId IS NOT NULL;
                    CREATE TABLE task (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        taskId TEXT NOT NULL UNIQUE,
                        state TEXT NOT NULL,
                        immStatus TEXT,
                        hasSubmission INTEGER NOT NULL DEFAULT 0,
                        projectName TEXT,
                        datasetName TEXT,
                        code TEXT,
                        message TEXT,
                        submittedAt INTEGER,
                        startedAt INTEGER,
                        endedAt INTEGER,
                        firstNotifiedAt INTEGER,
                        lastEventAt INTEGER,
                        deadline INTEGER,
                        resultEventId INTEGER REFERENCES event(id),
                        createdAt INTEGER NOT NULL,
                        updatedAt INTEGER NOT NULL
                    );
                    CREATE INDEX task_state ON task(state, id);
                    CREATE INDEX task_projectName ON task(projectName, id);
                    CREATE INDEX task_datasetName ON task(datasetName, id);
                    CREATE INDEX task_createdAt ON task(createdAt, id);
                    CREATE INDEX task_open_deadline ON task(deadline) WHERE state IN ('submitted', 'running');
                    CREATE TABLE taskLabel (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        taskId TEXT NOT NULL REFERENCES task(taskId) ON DELETE CASCADE,
                        key TEXT NOT NULL,
                        value TEXT NOT NULL,
                        UNIQUE (taskId, key)
                    );
                    CREATE INDEX taskLabel_key_value ON taskLabel(key, value, taskId);
                    CREATE TABLE face (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        taskId TEXT NOT NULL REFERENCES task(taskId) ON DELETE CASCADE,
                        eventId INTEGER NOT NULL REFERENCES event(id),
                        sourceIndex INTEGER NOT NULL,
                        sourceURI TEXT,
                        rank INTEGER NOT NULL,
                        uri TEXT,
                        faceId TEXT,
                        similarity REAL,
                        boundaryLeft INTEGER,
                        boundaryTop INTEGER,
                        boundaryWidth INTEGER,
                        boundaryHeight INTEGER
                    );
                    CREATE INDEX face_taskId ON face(taskId, sourceIndex, rank);
                    CREATE INDEX face_uri ON face(uri, taskId);
                    """)
        }
        migrator.registerMigration("v3-deliveries") { db in
            try db.execute(
                sql: """
                    CREATE TABLE hook (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE,
                        url TEXT NOT NULL,
                        enabled INTEGER NOT NULL DEFAULT 1,
                        filter TEXT NOT NULL DEFAULT '{}',
                        timeoutSeconds INTEGER NOT NULL DEFAULT 15,
                        maxInFlight INTEGER NOT NULL DEFAULT 8,
                        ratePerSecond REAL,
                        retrySchedule TEXT,
                        headers TEXT NOT NULL DEFAULT '{}',
                        origin TEXT NOT NULL DEFAULT 'api',
                        disabledReason TEXT,
                        lastSuccessAt INTEGER,
                        failingSince INTEGER,
                        createdAt INTEGER NOT NULL,
                        updatedAt INTEGER NOT NULL
                    );
                    CREATE TABLE hookSecret (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        hookId INTEGER NOT NULL REFERENCES hook(id) ON DELETE CASCADE,
                        secret TEXT NOT NULL,
                        createdAt INTEGER NOT NULL,
                        expiresAt INTEGER
                    );
                    CREATE INDEX hookSecret_hookId ON hookSecret(hookId);
                    CREATE TABLE delivery (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        eventId INTEGER NOT NULL REFERENCES event(id),
                        hookId INTEGER NOT NULL REFERENCES hook(id) ON DELETE CASCADE,
                        taskId TEXT,
                        webhookId TEXT NOT NULL,
                        status TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        nextAttemptAt INTEGER NOT NULL,
                        lockedUntil INTEGER,
                        lastStatusCode INTEGER,
                        lastError TEXT,
                        createdAt INTEGER NOT NULL,
                        updatedAt INTEGER NOT NULL,
                        deliveredAt INTEGER
                    );
                    CREATE INDEX delivery_due ON delivery(nextAttemptAt) WHERE status IN ('pending', 'failed');
                    CREATE INDEX delivery_inFlight ON delivery(lockedUntil) WHERE status = 'in_flight';
                    CREATE INDEX delivery_hook_task ON delivery(hookId, taskId, id);
                    CREATE INDEX delivery_event ON delivery(eventId);
                    CREATE INDEX delivery_status ON delivery(status, id);
                    CREATE INDEX delivery_taskId ON delivery(taskId, id);
                    CREATE TABLE attempt (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        deliveryId INTEGER NOT NULL REFERENCES delivery(id) ON DELETE CASCADE,
                        startedAt INTEGER NOT NULL,
                        durationMs INTEGER NOT NULL,
                        statusCode INTEGER,
                        responseBody BLOB NOT NULL,
                        error TEXT
                    );
                    CREATE INDEX attempt_deliveryId ON attempt(deliveryId, id);
                    """)
        }
        migrator.registerMigration("v4-submission-wait") { db in
            try db.execute(sql: "ALTER TABLE delivery ADD COLUMN labelsPending INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v5-ed25519") { db in
            try db.execute(sql: "ALTER TABLE hook ADD COLUMN ed25519Key TEXT")
        }
        migrator.registerMigration("v6-replays") { db in
            try db.execute(
                sql: """
                    ALTER TABLE delivery ADD COLUMN replayId INTEGER;
                    CREATE INDEX delivery_replayId ON delivery(replayId, status) WHERE replayId IS NOT NULL;
                    CREATE INDEX event_receivedAt ON event(receivedAt);
                    CREATE INDEX event_decodeState ON event(decodeState, id);
                    CREATE INDEX rejection_receivedAt ON rejection(receivedAt);
                    CREATE INDEX attempt_startedAt ON attempt(startedAt);
                    CREATE TABLE replay (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        state TEXT NOT NULL,
                        filter TEXT NOT NULL,
                        ratePerSecond REAL,
                        requestedBy TEXT NOT NULL,
                        matched INTEGER NOT NULL DEFAULT 0,
                        enqueued INTEGER NOT NULL DEFAULT 0,
                        cursor INTEGER NOT NULL DEFAULT 0,
                        createdAt INTEGER NOT NULL,
                        updatedAt INTEGER NOT NULL,
                        finishedAt INTEGER
                    );
                    CREATE INDEX replay_state ON replay(state);
                    """)
        }
        migrator.registerMigration("v7-fewer-random-indexes") { db in
            // Every index on a random key (message ids, task ids) costs a page written per stored
            // row. (messageId, source) serves both the dedup lookup and the EventId lookup that the
            // two older event indexes served; event.taskId was never queried (correlatedTaskId is).
            // Deliveries by hook are listed by id, and per-task checks go through delivery_taskId,
            // so (hookId, id), appended in order, replaces (hookId, taskId, id).
            try db.execute(
                sql: """
                    DROP INDEX event_source_messageId;
                    DROP INDEX event_messageId;
                    DROP INDEX event_taskId;
                    CREATE UNIQUE INDEX event_messageId_source ON event(messageId, source) WHERE messageId IS NOT NULL;
                    DROP INDEX delivery_hook_task;
                    CREATE INDEX delivery_hookId ON delivery(hookId, id);
                    """)
        }
        migrator.registerMigration("v8-sequential-face-index") { db in
            // Two more random-key indexes, each a page written per stored event, replaced:
            // - a task's faces all come from its result event, so faces are found by event id, which
            //   grows with every insert (appended in place of a random task id);
            // - a redelivered push is found by its envelope id, so the MNS message id needs an entry
            //   only for events whose envelope id is unknown (undecodable ones).
            try db.execute(
                sql: """
                    DROP INDEX face_taskId;
                    CREATE INDEX face_eventId ON face(eventId, sourceIndex, rank);
                    DROP INDEX event_mnsMessageId;
                    CREATE UNIQUE INDEX event_mnsMessageId_undecoded ON event(mnsMessageId)
                        WHERE mnsMessageId IS NOT NULL AND messageId IS NULL;
                    """)
        }
        migrator.registerMigration("v9-due-per-hook") { db in
            // Claims ask each hook for its own due deliveries (oldest first), so one hook's backlog
            // never hides another's: (hookId, nextAttemptAt) replaces the global due index.
            try db.execute(
                sql: """
                    DROP INDEX delivery_due;
                    CREATE INDEX delivery_hookDue ON delivery(hookId, nextAttemptAt) WHERE status IN ('pending', 'failed');
                    """)
        }
        migrator.registerMigration("v10-envelope-id-not-unique") { db in
            // IMM's envelope id may equal the task's EventId, so two different messages of one task
            // (a Running, then a Succeeded) can share it. Unique, it made the second one a
            // "duplicate", acknowledged and thrown away with the task's results. Redeliveries are now
            // recognised by envelope id and identical content; the index stays, no longer unique.
            try db.execute(
                sql: """
                    DROP INDEX event_messageId_source;
                    CREATE INDEX event_messageId_source ON event(messageId, source) WHERE messageId IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v11-replay-ceiling") { db in
            // A bulk replay covers the events stored when it was asked for: without an upper bound its
            // cursor ran on into events ingested meanwhile, delivering them a second time. And a
            // replay that cannot go on (its hook was removed) says why it stopped.
            try db.execute(
                sql: """
                    ALTER TABLE replay ADD COLUMN lastEventId INTEGER;
                    ALTER TABLE replay ADD COLUMN stopReason TEXT;
                    """)
        }
        migrator.registerMigration("v12-face-uri-by-id") { db in
            // Faces by image are listed newest first (by id), and (uri, taskId) could not give that
            // order: a popular image's every face was read and sorted for each page. Its random task
            // id also made every insert land at a random place within the image's entries. An index
            // on uri alone holds (uri, rowid): the pages walk it in order, and a face of an image
            // seen before is appended at the end of that image's entries.
            try db.execute(
                sql: """
                    DROP INDEX face_uri;
                    CREATE INDEX face_uri ON face(uri);
                    """)
        }
        migrator.registerMigration("v13-redriven") { db in
            // Dead letters a replay already sent again were still counted and listed as dead (the
            // metric, the hook's count, `?status=dead`): they become `redriven`.
            try db.execute(
                sql: """
                    UPDATE delivery SET status = 'redriven'
                    WHERE status = 'dead' AND EXISTS (SELECT 1 FROM delivery AS later
                        WHERE later.eventId = delivery.eventId AND later.hookId = delivery.hookId
                            AND later.id > delivery.id)
                    """)
        }
        migrator.registerMigration("v14-face-task-key-unenforced") { db in
            // face.taskId referenced task(taskId) ON DELETE CASCADE with no index on face(taskId)
            // (a random-key index, dropped in v8): every task deletion scanned the whole face table
            // (about 2 s at a million events, holding the writer and so every ingest commit), and
            // every face insert looked its task up. The one path that deletes a task deletes that
            // task's faces first, by event. Dropping a foreign key leaves the stored rows as they are,
            // so the table's definition is edited in place (SQLite's documented procedure for
            // removing constraints) rather than copied, which at that size would hold the database
            // (and every push MNS sends meanwhile) for the length of a full copy.
            let text = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'face'")
            guard let text, text.contains(Self.faceTaskReference) else { return }
            let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(
                sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'face'",
                arguments: [text.replacingOccurrences(of: Self.faceTaskReference, with: "")])
            try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
        }
        migrator.registerMigration("v15-task-resultEventId") { db in
            // task.resultEventId references event(id), unindexed: deleting one event (the retention
            // sweep, 500 per transaction) made SQLite scan the whole task table to check that no task
            // still points at it, about 70 ms per event at a million tasks, so a sweep held the writer,
            // and every push waiting on it, for half a minute. A task's result event is the newest
            // event when it is set: the key grows, appended like the row id.
            try db.execute(sql: "CREATE INDEX task_resultEventId ON task(resultEventId)")
        }
        migrator.registerMigration("v16-delivery-paused") { db in
            // Releasing an enabled hook's paused deliveries found them through delivery_status, among
            // every hook's paused ones; the dispatcher now settles every hook when it starts, so the
            // lookup has to cost nothing when there is nothing to move. Only a disabled hook's
            // deliveries are paused, so ingest adds an entry only for those, at the end (ids grow).
            try db.execute(sql: "CREATE INDEX delivery_paused ON delivery(hookId, id) WHERE status = 'paused'")
        }
        migrator.registerMigration("v17-event-joined-elsewhere") { db in
            // A submission takes back the notifications naming its TaskId that an earlier submission
            // joined by EventId (a TaskId outranks an EventId, whatever the order they came in). Only
            // those events are indexed: almost every event's task is its own TaskId, so ingest adds
            // no entry for them.
            try db.execute(
                sql: "CREATE INDEX event_taskId_elsewhere ON event(taskId) WHERE correlatedTaskId <> taskId")
        }
        migrator.registerMigration("v18-event-revision") { db in
            // The webhook-id suffix of an event re-decoded by reprocess: every later fan-out of it
            // (replays, redrives) sends the decoded payload under that id, never under the id the
            // undecodable version went out with (a receiver would drop it as a repeat).
            try db.execute(sql: "ALTER TABLE event ADD COLUMN revision TEXT")
        }
        return migrator
    }

    /// The clause v14 removes from face's definition.
    private static let faceTaskReference = " REFERENCES task(taskId) ON DELETE CASCADE"
}
