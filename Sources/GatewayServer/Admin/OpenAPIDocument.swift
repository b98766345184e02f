/// The OpenAPI 3.1 document of the admin API, served at `GET /v1/openapi.yaml`. A test checks that
/// every route the admin listener registers appears here with its method. Split in two files only
/// for length: the info and components here, the paths in `OpenAPIDocument+Paths.swift`.
enum OpenAPIDocument {
    static var yaml: String { components + "\npaths:\n" + paths + "\n" }

    static let components = #"""
        openapi: 3.1.0
        info:
          title: IMM Gateway admin API
          version: "1"
          description: |
            Local admin API of IMM Gateway (default listener 127.0.0.1:8081). When admin.token is set, every
            route except the probes (/healthz, /readyz) requires "Authorization: Bearer <token>". Errors are
            {"error":{"code","message"[,"field"]}}; unknown query parameters are rejected with 400.
            Lists are newest first and paginated with an opaque cursor (next_cursor).
        servers:
          - url: http://127.0.0.1:8081
        security:
          - bearer: []
        components:
          securitySchemes:
            bearer: { type: http, scheme: bearer }
          parameters:
            limit: { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 500, default: 50 } }
            cursor: { name: cursor, in: query, description: next_cursor of the previous page, schema: { type: string } }
            taskId: { name: taskId, in: path, required: true, schema: { type: string } }
          responses:
            Error:
              description: An error
              content:
                application/json:
                  schema: { $ref: "#/components/schemas/Error" }
          schemas:
            Error:
              type: object
              required: [error]
              properties:
                error:
                  type: object
                  required: [code, message]
                  properties:
                    code: { type: string }
                    message: { type: string }
                    field: { type: [string, "null"] }
            Boundary:
              type: object
              properties: { left: { type: [integer, "null"] }, top: { type: [integer, "null"] }, width: { type: [integer, "null"] }, height: { type: [integer, "null"] } }
            Face:
              type: object
              properties:
                task_id: { type: string }
                source_index: { type: integer, description: position of the query image in Sources }
                source_uri: { type: [string, "null"] }
                rank: { type: integer, description: 1 = most similar }
                uri: { type: [string, "null"] }
                face_id: { type: [string, "null"] }
                similarity: { type: [number, "null"] }
                boundary: { oneOf: [{ $ref: "#/components/schemas/Boundary" }, { type: "null" }] }
            Submission:
              type: object
              description: A CreateFacesSearchingTask call, in IMM's casing, plus the gateway's labels and deadline.
              required: [TaskId]
              additionalProperties: false
              properties:
                TaskId: { type: string, maxLength: 256 }
                EventId: { type: string }
                RequestId: { type: string }
                ProjectName: { type: string }
                DatasetName: { type: string }
                Sources: { type: array, items: { type: object, required: [URI], properties: { URI: { type: string, pattern: "^oss://[a-z0-9-]{3,63}/.+" } } } }
                MaxResult: { type: integer, minimum: 0, maximum: 100 }
                UserData: { type: string, description: at most 2048 bytes }
                Notification: { type: object }
                labels: { type: object, additionalProperties: { type: string } }
                deadline: { type: string, format: date-time, description: "default: 7 days after recording" }
            Task:
              type: object
              properties:
                task_id: { type: string }
                state: { type: string, enum: [submitted, running, succeeded, failed, expired, unmatched] }
                imm_status: { type: [string, "null"], enum: [Running, Succeeded, Failed, null] }
                has_submission: { type: boolean }
                project: { type: [string, "null"] }
                dataset: { type: [string, "null"] }
                code: { type: [string, "null"] }
                message: { type: [string, "null"] }
                submitted_at: { type: [string, "null"], format: date-time }
                started_at: { type: [string, "null"], format: date-time }
                ended_at: { type: [string, "null"], format: date-time }
                first_notified_at: { type: [string, "null"], format: date-time }
                last_event_at: { type: [string, "null"], format: date-time }
                deadline: { type: [string, "null"], format: date-time }
                created_at: { type: string, format: date-time }
                labels: { type: object, additionalProperties: { type: string } }
                result_event_id: { type: [integer, "null"] }
            TaskDetail:
              allOf:
                - $ref: "#/components/schemas/Task"
                - type: object
                  properties:
                    submission: { oneOf: [{ $ref: "#/components/schemas/Submission" }, { type: "null" }] }
                    faces: { type: array, items: { $ref: "#/components/schemas/Face" } }
                    events: { type: array, items: { $ref: "#/components/schemas/Event" } }
                    deliveries: { type: array, items: { $ref: "#/components/schemas/Delivery" } }
            RawRequest:
              type: object
              properties:
                method: { type: string }
                target: { type: string }
                headers: { type: array, items: { type: object, properties: { name: { type: string }, value: { type: string } } } }
                body: { type: string }
                body_encoding: { type: string, enum: [utf8, base64] }
                body_size: { type: integer }
                body_truncated: { type: boolean }
            Event:
              type: object
              properties:
                id: { type: integer }
                received_at: { type: string, format: date-time }
                channel: { type: string, enum: [mns, eventbridge] }
                format: { type: string, enum: [xml, json, simplified, cloudevents] }
                mns_message_id: { type: [string, "null"] }
                source: { type: [string, "null"] }
                message_id: { type: [string, "null"] }
                type: { type: [string, "null"] }
                subject: { type: [string, "null"] }
                event_time: { type: [string, "null"] }
                task_id: { type: [string, "null"] }
                task_type: { type: [string, "null"] }
                status: { type: [string, "null"] }
                project: { type: [string, "null"] }
                dataset: { type: [string, "null"] }
                decode_state: { type: string, enum: [decoded, generic, undecodable] }
                decode_error: { type: [string, "null"] }
                duplicate_count: { type: integer }
                last_duplicate_at: { type: [string, "null"], format: date-time }
                evidence: { type: object }
                task: { type: object, description: detail only; typed content with normalized results }
                content: { description: detail only; the content parsed as JSON (numbers as doubles) }
                content_text: { type: [string, "null"], description: "detail only; the content text verbatim (an EventBridge data object: re-serialized)" }
                raw_request: { $ref: "#/components/schemas/RawRequest" }
            Rejection:
              type: object
              properties:
                id: { type: integer }
                received_at: { type: string, format: date-time }
                channel: { type: string }
                http_status: { type: integer }
                reason: { type: string }
                message: { type: string }
                raw_request: { $ref: "#/components/schemas/RawRequest" }
            HookFilter:
              type: object
              additionalProperties: false
              properties:
                status: { type: array, items: { type: string, enum: [succeeded, failed, running] } }
                project: { type: array, items: { type: string } }
                dataset: { type: array, items: { type: string } }
                labels: { type: object, additionalProperties: { type: string } }
                task_types: { type: array, items: { type: string } }
            HookSpec:
              type: object
              additionalProperties: false
              properties:
                name: { type: string, pattern: "^[A-Za-z0-9._-]{1,64}$" }
                url: { type: string, format: uri }
                secrets: { type: array, items: { type: string, pattern: "^whsec_" }, description: "POST only; generated when absent" }
                enabled: { type: boolean }
                filter: { $ref: "#/components/schemas/HookFilter" }
                timeout_seconds: { type: integer, minimum: 1, maximum: 300, default: 15 }
                max_in_flight: { type: integer, minimum: 1, maximum: 1000, default: 8 }
                rate_per_second: { type: [number, "null"] }
                retry_schedule: { type: [array, "null"], items: { type: integer, minimum: 0 } }
                headers: { type: object, additionalProperties: { type: string } }
                ed25519: { type: boolean, description: also sign with Ed25519 (v1a) }
            Hook:
              type: object
              properties:
                name: { type: string }
                url: { type: string }
                enabled: { type: boolean }
                filter: { $ref: "#/components/schemas/HookFilter" }
                headers: { type: object, description: values redacted, additionalProperties: { type: string } }
                origin: { type: string, enum: [config, api] }
                timeout_seconds: { type: integer }
                max_in_flight: { type: integer }
                rate_per_second: { type: [number, "null"] }
                retry_schedule: { type: [array, "null"], items: { type: integer } }
                disabled_reason: { type: [string, "null"] }
                last_success_at: { type: [string, "null"], format: date-time }
                failing_since: { type: [string, "null"], format: date-time }
                created_at: { type: string, format: date-time }
                active_secrets: { type: integer }
                ed25519_public_key: { type: [string, "null"], description: "whpk_ key that verifies v1a signatures" }
            Attempt:
              type: object
              properties:
                started_at: { type: string, format: date-time }
                duration_ms: { type: integer }
                status_code: { type: [integer, "null"] }
                response_body: { type: string, description: first 4 KiB }
                error: { type: [string, "null"] }
            Delivery:
              type: object
              properties:
                id: { type: integer }
                hook: { type: string }
                status: { type: string, enum: [pending, in_flight, delivered, failed, dead, paused, skipped, redriven] }
                event_id: { type: integer }
                task_id: { type: [string, "null"] }
                webhook_id: { type: string }
                attempt_count: { type: integer }
                next_attempt_at: { type: string, format: date-time }
                last_status_code: { type: [integer, "null"] }
                last_error: { type: [string, "null"] }
                created_at: { type: string, format: date-time }
                delivered_at: { type: [string, "null"], format: date-time }
                attempts: { type: array, items: { $ref: "#/components/schemas/Attempt" }, description: detail only }
            ReplayFilter:
              type: object
              properties:
                since: { type: string, format: date-time }
                until: { type: string, format: date-time }
                task_ids: { type: array, items: { type: string } }
                status: { type: string, description: IMM status of the event }
                project: { type: string }
                dataset: { type: string }
                label: { type: string, description: key=value }
                hook: { type: string }
                delivery_status: { type: string, enum: [pending, in_flight, delivered, failed, dead, paused, skipped, redriven] }
            Replay:
              type: object
              properties:
                id: { type: integer }
                state: { type: string, enum: [running, completed, cancelled] }
                filter: { $ref: "#/components/schemas/ReplayFilter" }
                matched: { type: integer }
                enqueued: { type: integer }
                delivered: { type: integer }
                failed: { type: integer }
                rate_per_second: { type: [number, "null"] }
                requested_by: { type: string }
                created_at: { type: string, format: date-time }
                finished_at: { type: [string, "null"], format: date-time }
                stop_reason: { type: [string, "null"] }
        """#
}
