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

    enum CodingKeys: String, CodingKey {
        case status, project, dataset, labels
        case taskTypes = "task_types"
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
