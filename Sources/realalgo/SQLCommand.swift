// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Schema
import Server

/// `realalgo sql "<query>"`: read the hub with SQL. Read-only by construction (see ReadOnlyQuery):
/// writes, ATTACH and PRAGMA changes fail with a "read-only" message and a non-zero exit.
struct SQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run a read-only SQL query against the hub.",
        discussion:
            "Examples:\n  realalgo sql \"SELECT * FROM daily_pnl ORDER BY trade_date DESC LIMIT 10\"\n  realalgo sql --format csv \"SELECT * FROM trade_journal\" > journal.csv"
    )

    @OptionGroup var data: DataDirOptions

    @Argument(help: "One SQL statement (SELECT, WITH…, or a read-only PRAGMA such as table_info).")
    var query: String

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(name: .customLong("max-rows"), help: "Stop after this many rows (a note on standard error says so).")
    var maxRows: Int = 10_000

    @Option(help: "Interrupt the query after this many seconds.")
    var timeout: Double = 10

    func validate() throws {
        guard maxRows >= 1 else { throw ValidationError("--max-rows must be at least 1") }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
    }

    func run() async throws {
        let limits = ReadOnlyQuery.Limits(maxRows: maxRows, timeout: .milliseconds(Int64(timeout * 1000)))
        let result = try ReadOnlyQuery.run(query, databaseURL: data.dataDirectory.databaseURL, limits: limits)
        StandardOutput.write(QueryResultFormatter.render(result, as: format))
        if result.truncated {
            printError("note: output stopped at \(maxRows) rows; raise --max-rows to see more")
        }
    }
}
