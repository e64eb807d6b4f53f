// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Core
import Foundation

/// `realalgo`: the whole trading server in one command. Every subcommand runs without a terminal
/// (passwords come on standard input), takes `--data-dir`, and exits non-zero on any error.
@main
struct RealAlgoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "realalgo",
        abstract: "RealAlgo: an algorithmic-trading server with a SQLite hub, Lua strategies and an OpenAlgo-compatible API.",
        version: RealAlgoVersion.current,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, SQLCommand.self, UserCommand.self, APIKeyCommand.self, AccountCommand.self,
            BackupCommand.self, BenchCommand.self, OpenAPICommand.self, IndicatorsCommand.self, BacktestCommand.self,
        ])

    static func main() async {
        // Everything RealAlgo writes (the hub, its WAL files, backups, the key) holds password
        // hashes, the audit trail or secrets: owner-only, whatever umask the shell or service had.
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
