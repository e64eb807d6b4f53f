// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Schema

/// `realalgo migrate [--status]`: bring the hub to this binary's schema, or show where it stands.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations (or list them with --status).")

    @OptionGroup var data: DataDirOptions

    @Flag(help: "List every migration and its state instead of applying anything.")
    var status = false

    @Option(
        name: .customLong("migrations-dir"),
        help: ArgumentHelp(
            "Use the .sql files of this folder instead of the built-in migrations (for developing a new migration).", valueName: "path"))
    var migrationsDirectory: String?

    func run() async throws {
        let runner = try MigrationRunner(
            migrations: migrationsDirectory.map { try Migration.load(from: URL(fileURLWithPath: $0)) } ?? Migration.embedded)
        let directory = data.dataDirectory
        if status {
            var options = Store.Options()
            options.create = false
            let store = try Store.open(at: directory.databaseURL, options: options)
            defer { try? store.close() }
            let statuses = try await runner.status(of: store)
            for entry in statuses {
                let applied = entry.appliedAt.map { " (applied \($0) by RealAlgo \(entry.appliedBy ?? "?"))" } ?? ""
                print("\(entry.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(entry.name)\(applied)")
            }
            let pending = statuses.filter { $0.state == .pending }.count
            let problems = statuses.filter { $0.state == .changed || $0.state == .unknown }
            printError("\(statuses.count - pending - problems.count) applied, \(pending) pending, \(problems.count) with problems")
            if !problems.isEmpty { throw ExitCode(2) }
            return
        }
        try directory.create()
        let store = try Store.open(at: directory.databaseURL)
        defer { try? store.close() }
        let today = HubMaintenance.todayInIndia(now: Int64(Date().timeIntervalSince1970))
        let report = try await HubMaintenance.prepare(store, today: today, migrations: runner)
        for name in report.appliedMigrations { print("applied \(name)") }
        printError(
            report.appliedMigrations.isEmpty
                ? "the database at \(directory.databaseURL.path) is up to date"
                : "applied \(report.appliedMigrations.count) migrations to \(directory.databaseURL.path)")
        if report.roll.listed + report.roll.retired > 0 {
            printError("instrument master for \(today): listed \(report.roll.listed) contracts, retired \(report.roll.retired)")
        }
    }
}
