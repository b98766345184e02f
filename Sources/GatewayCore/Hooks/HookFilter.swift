/// Which notifications a hook receives. Every list that is set must contain the notification's
/// value; every label must be on the task's submission. Empty means everything.
public struct HookFilter: Sendable, Codable, Equatable {
    /// IMM statuses, lower case: `succeeded`, `failed`, `running`.
    public var status: [String]?
    /// IMM projects.
    public var project: [String]?
    /// IMM datasets.
    public var dataset: [String]?
    /// Submission labels that must all be present with these values.
    public var labels: [String: String]?
    /// IMM task kinds, e.g. `FacesSearching`.
    public var taskTypes: [String]?

    /// Creates a filter.
    public init(
        status: [String]? = nil, project: [String]? = nil, dataset: [String]? = nil, labels: [String: String]? = nil,
        taskTypes: [String]? = nil
    ) {
        self.status = status
        self.project = project
        self.dataset = dataset
        self.labels = labels
        self.taskTypes = taskTypes
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case status, project, dataset, labels
        case taskTypes = "task_types"
    }

    /// Decodes strictly: a misspelt key (`statuss`) is an error, never a filter that silently
    /// matches everything.
    public init(from decoder: any Decoder) throws {
        try StrictKeys.refuseUnknown(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            status: try container.decodeIfPresent([String].self, forKey: .status),
            project: try container.decodeIfPresent([String].self, forKey: .project),
            dataset: try container.decodeIfPresent([String].self, forKey: .dataset),
            labels: try container.decodeIfPresent([String: String].self, forKey: .labels),
            taskTypes: try container.decodeIfPresent([String].self, forKey: .taskTypes))
    }

    /// Checks the values: a status IMM never sends or a label key no submission can carry makes a
    /// hook that never matches, which is as silent as one that matches everything.
    public func validate() throws(HookError) {
        for status in status ?? [] where IMMStatus(reported: status) == nil {
            throw .invalid("filter.status", "'\(status)' is not succeeded, failed or running")
        }
        for (field, values) in [
            ("filter.project", project), ("filter.dataset", dataset), ("filter.task_types", taskTypes),
        ] {
            for value in values ?? [] where value.isEmpty || value.utf8.count > 256 {
                throw .invalid(field, "values must be 1–256 bytes")
            }
        }
        for (key, value) in labels ?? [:] {
            guard Submission.isLabelKey(key) else {
                throw .invalid(
                    "filter.labels", "key '\(key)' must be 1–64 characters of letters, digits, '_', '-', '.', '/'")
            }
            guard value.utf8.count <= 256 else { throw .invalid("filter.labels.\(key)", "is longer than 256 bytes") }
        }
    }

    /// Whether a notification with these facts passes the filter.
    public func matches(
        status: String?, project: String?, dataset: String?, taskType: String?, labels: [String: String]
    )
        -> Bool
    {
        func check(_ allowed: [String]?, _ value: String?, caseInsensitive: Bool = false) -> Bool {
            guard let allowed, !allowed.isEmpty else { return true }
            guard let value else { return false }
            return caseInsensitive
                ? allowed.contains { $0.lowercased() == value.lowercased() } : allowed.contains(value)
        }
        guard check(self.status, status, caseInsensitive: true), check(self.project, project),
            check(self.dataset, dataset), check(self.taskTypes, taskType, caseInsensitive: true)
        else { return false }
        for (key, value) in self.labels ?? [:] where labels[key] != value { return false }
        return true
    }
}
