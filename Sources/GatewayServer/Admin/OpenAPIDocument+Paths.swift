extension OpenAPIDocument {
    /// Every admin route, with its parameters and responses.
    static let paths = #"""
          /healthz:
            get:
              summary: Liveness and database reachability (no token needed)
              security: []
              responses:
                "200": { description: OK, content: { application/json: { schema: { type: object, properties: { status: { type: string }, database: { type: string } } } } } }
                "503": { $ref: "#/components/responses/Error" }
            head:
              summary: As GET, without a body (HEAD-based probes)
              security: []
              responses:
                "200": { description: OK }
                "503": { description: Unhealthy }
          /v1/openapi.yaml:
            get:
              summary: This document
              responses:
                "200": { description: OpenAPI 3.1 YAML, content: { application/yaml: {} } }
          /v1/events:
            get:
              summary: Stored notifications, newest first
              parameters: [{ $ref: "#/components/parameters/limit" }, { $ref: "#/components/parameters/cursor" }]
              responses:
                "200": { description: A page, content: { application/json: { schema: { type: object, properties: { events: { type: array, items: { $ref: "#/components/schemas/Event" } }, next_cursor: { type: [string, "null"] } } } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
          /v1/events/{id}:
            get:
              summary: One stored notification with its parsed form and raw request
              parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
              responses:
                "200": { description: The event, content: { application/json: { schema: { $ref: "#/components/schemas/Event" } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/rejections:
            get:
              summary: Refused requests, newest first
              parameters: [{ $ref: "#/components/parameters/limit" }, { $ref: "#/components/parameters/cursor" }]
              responses:
                "200": { description: A page, content: { application/json: { schema: { type: object, properties: { rejections: { type: array, items: { $ref: "#/components/schemas/Rejection" } }, next_cursor: { type: [string, "null"] } } } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
          /v1/submissions:
            post:
              summary: Record a CreateFacesSearchingTask call (idempotent on TaskId)
              requestBody:
                required: true
                content: { application/json: { schema: { $ref: "#/components/schemas/Submission" } } }
              responses:
                "201": { description: Recorded, content: { application/json: { schema: { $ref: "#/components/schemas/TaskDetail" } } } }
                "200": { description: The same submission was already recorded, content: { application/json: { schema: { $ref: "#/components/schemas/TaskDetail" } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
                "409": { $ref: "#/components/responses/Error" }
          /v1/submissions/{taskId}:
            get:
              summary: The recorded submission
              parameters: [{ $ref: "#/components/parameters/taskId" }]
              responses:
                "200": { description: The submission, content: { application/json: { schema: { $ref: "#/components/schemas/Submission" } } } }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/tasks:
            get:
              summary: Tasks, newest first
              parameters:
                - { name: status, in: query, schema: { type: string, enum: [submitted, running, succeeded, failed, expired, unmatched] } }
                - { name: project, in: query, schema: { type: string } }
                - { name: dataset, in: query, schema: { type: string } }
                - { name: label, in: query, description: key=value, schema: { type: string } }
                - { name: since, in: query, description: first seen at or after, schema: { type: string, format: date-time } }
                - { name: until, in: query, description: first seen before, schema: { type: string, format: date-time } }
                - { $ref: "#/components/parameters/limit" }
                - { $ref: "#/components/parameters/cursor" }
              responses:
                "200": { description: A page, content: { application/json: { schema: { type: object, properties: { tasks: { type: array, items: { $ref: "#/components/schemas/Task" } }, next_cursor: { type: [string, "null"] } } } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
          /v1/tasks/{taskId}:
            get:
              summary: One task with its submission, faces, events and deliveries
              parameters: [{ $ref: "#/components/parameters/taskId" }]
              responses:
                "200": { description: The task, content: { application/json: { schema: { $ref: "#/components/schemas/TaskDetail" } } } }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/tasks/{taskId}/faces:
            get:
              summary: A task's normalized faces, by source and rank
              parameters: [{ $ref: "#/components/parameters/taskId" }]
              responses:
                "200": { description: The faces, content: { application/json: { schema: { type: object, properties: { faces: { type: array, items: { $ref: "#/components/schemas/Face" } } } } } } }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/faces:
            get:
              summary: Which tasks matched an image
              parameters:
                - { name: uri, in: query, required: true, schema: { type: string } }
                - { $ref: "#/components/parameters/limit" }
                - { $ref: "#/components/parameters/cursor" }
              responses:
                "200": { description: A page, content: { application/json: { schema: { type: object, properties: { faces: { type: array, items: { $ref: "#/components/schemas/Face" } }, next_cursor: { type: [string, "null"] } } } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
          /v1/hooks:
            get:
              summary: Every hook (secrets never shown)
              responses:
                "200": { description: Hooks, content: { application/json: { schema: { type: object, properties: { hooks: { type: array, items: { $ref: "#/components/schemas/Hook" } } } } } } }
                "401": { $ref: "#/components/responses/Error" }
            post:
              summary: Create a hook; the answer shows its secrets this once
              requestBody: { required: true, content: { application/json: { schema: { $ref: "#/components/schemas/HookSpec" } } } }
              responses:
                "201": { description: Created, content: { application/json: { schema: { type: object, properties: { hook: { $ref: "#/components/schemas/Hook" }, secrets: { type: array, items: { type: string } } } } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
                "409": { $ref: "#/components/responses/Error" }
          /v1/hooks/{name}:
            parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
            get:
              summary: One hook
              responses:
                "200": { description: The hook, content: { application/json: { schema: { $ref: "#/components/schemas/Hook" } } } }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
            patch:
              summary: Change settings (not secrets, not the name)
              requestBody: { required: true, content: { application/json: { schema: { $ref: "#/components/schemas/HookSpec" } } } }
              responses:
                "200": { description: The hook, content: { application/json: { schema: { $ref: "#/components/schemas/Hook" } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
            delete:
              summary: Delete the hook and its deliveries
              responses:
                "204": { description: Deleted }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/hooks/{name}/enable:
            parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
            post:
              summary: Enable; paused deliveries flow again
              responses:
                "200": { description: The hook, content: { application/json: { schema: { $ref: "#/components/schemas/Hook" } } } }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/hooks/{name}/disable:
            parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
            post:
              summary: Disable; deliveries wait as paused
              responses:
                "200": { description: The hook, content: { application/json: { schema: { $ref: "#/components/schemas/Hook" } } } }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/hooks/{name}/rotate-secret:
            parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
            post:
              summary: Add a new secret; the old ones keep signing for 24 h
              responses:
                "200": { description: The new secret, content: { application/json: { schema: { type: object, properties: { hook: { $ref: "#/components/schemas/Hook" }, secret: { type: string }, previous_secrets_expire_at: { type: string, format: date-time } } } } } }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/hooks/{name}/test:
            parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
            post:
              summary: Send a signed imm.test event now and show the attempt
              responses:
                "200": { description: The attempt, content: { application/json: { schema: { $ref: "#/components/schemas/Attempt" } } } }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/deliveries:
            get:
              summary: Deliveries, newest first
              parameters:
                - { name: hook, in: query, schema: { type: string } }
                - { name: status, in: query, schema: { type: string, enum: [pending, in_flight, delivered, failed, dead, paused, skipped, redriven] } }
                - { name: task, in: query, schema: { type: string } }
                - { $ref: "#/components/parameters/limit" }
                - { $ref: "#/components/parameters/cursor" }
              responses:
                "200": { description: A page, content: { application/json: { schema: { type: object, properties: { deliveries: { type: array, items: { $ref: "#/components/schemas/Delivery" } }, next_cursor: { type: [string, "null"] } } } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
          /v1/deliveries/{id}:
            get:
              summary: One delivery with every attempt
              parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
              responses:
                "200": { description: The delivery, content: { application/json: { schema: { $ref: "#/components/schemas/Delivery" } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/events/{id}/replay:
            post:
              summary: Create fresh deliveries for one stored event (same webhook-id per hook)
              parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
              requestBody: { content: { application/json: { schema: { type: object, properties: { hook: { type: string } } } } } }
              responses:
                "202": { description: Enqueued, content: { application/json: { schema: { type: object, properties: { event_id: { type: integer }, deliveries: { type: integer } } } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/events/reprocess:
            post:
              summary: Re-run decoding on stored raw requests; optionally fan the newly decodable out
              requestBody: { content: { application/json: { schema: { type: object, properties: { decode_state: { type: string, enum: [undecodable, generic, decoded] }, replay: { type: boolean } } } } } }
              responses:
                "200": { description: Counts, content: { application/json: { schema: { type: object, properties: { examined: { type: integer }, changed: { type: integer }, deliveries: { type: integer } } } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
          /v1/replays:
            get:
              summary: Replay jobs, newest first
              parameters: [{ $ref: "#/components/parameters/limit" }, { $ref: "#/components/parameters/cursor" }]
              responses:
                "200": { description: A page, content: { application/json: { schema: { type: object, properties: { replays: { type: array, items: { $ref: "#/components/schemas/Replay" } }, next_cursor: { type: [string, "null"] } } } } } }
                "401": { $ref: "#/components/responses/Error" }
            post:
              summary: Start a bulk replay (or count with dry_run)
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      allOf:
                        - $ref: "#/components/schemas/ReplayFilter"
                        - type: object
                          properties:
                            rate_per_second: { type: number }
                            dry_run: { type: boolean }
                            requested_by: { type: string }
              responses:
                "202": { description: Started, content: { application/json: { schema: { $ref: "#/components/schemas/Replay" } } } }
                "200": { description: Dry run, content: { application/json: { schema: { type: object, properties: { dry_run: { type: boolean }, matched: { type: integer }, sample: { type: array, items: { $ref: "#/components/schemas/Event" } } } } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/replays/{id}:
            get:
              summary: A replay with its progress
              parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
              responses:
                "200": { description: The replay, content: { application/json: { schema: { $ref: "#/components/schemas/Replay" } } } }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/replays/{id}/cancel:
            post:
              summary: Stop a running replay (enqueued deliveries stay)
              parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
              responses:
                "200": { description: The replay, content: { application/json: { schema: { $ref: "#/components/schemas/Replay" } } } }
                "401": { $ref: "#/components/responses/Error" }
                "404": { $ref: "#/components/responses/Error" }
          /v1/backup:
            post:
              summary: Consistent online copy of the database to a new file on the gateway's host
              requestBody: { required: true, content: { application/json: { schema: { type: object, required: [path], properties: { path: { type: string } } } } } }
              responses:
                "201": { description: Written, content: { application/json: { schema: { type: object, properties: { path: { type: string }, bytes: { type: integer }, duration_ms: { type: integer } } } } } }
                "400": { $ref: "#/components/responses/Error" }
                "401": { $ref: "#/components/responses/Error" }
                "409": { $ref: "#/components/responses/Error" }
          /v1/status:
            get:
              summary: One screen of operational facts
              responses:
                "200": { description: Status, content: { application/json: { schema: { type: object } } } }
                "401": { $ref: "#/components/responses/Error" }
          /readyz:
            get:
              summary: Ready when the database accepts writes (no token needed)
              security: []
              responses:
                "200": { description: Ready, content: { application/json: { schema: { type: object, properties: { status: { type: string } } } } } }
                "503": { $ref: "#/components/responses/Error" }
            head:
              summary: As GET, without a body (HEAD-based probes)
              security: []
              responses:
                "200": { description: Ready }
                "503": { description: Not ready }
          /metrics:
            get:
              summary: Prometheus text exposition (requests, rejections, duplicates, commit batches, deliveries, backlog gauges)
              responses:
                "200": { description: Metrics, content: { text/plain: {} } }
                "401": { $ref: "#/components/responses/Error" }
        """#
}
