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
        return migrator
    }
}
