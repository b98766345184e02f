import ArgumentParser
import GatewayServer
import GatewayStore

/// `imm-gateway migrate`: applies the schema migrations to the configured database and reports them.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the database migrations explicitly and report the schema version.")
    @Option(help: "YAML configuration file.") var config: String?
    @Option(help: "SQLite database file (overrides `database`).") var database: String?

    func run() async throws {
        let settings = try GatewayConfig.load(file: config, overrides: database.map { ["database": $0] } ?? [:])
        let store = try SQLiteStore(path: settings.database, durability: settings.durability)
        let applied = try await store.appliedMigrations()
        print("database \(settings.database)")
        print("schema version \(applied.last ?? "none") (\(applied.count) migrations applied)")
        for name in applied { print("  \(name)") }
    }
}
