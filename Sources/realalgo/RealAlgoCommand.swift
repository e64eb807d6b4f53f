// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Core

/// `realalgo`: the whole trading server in one command. Every subcommand runs without a terminal
/// (passwords come on standard input), takes `--data-dir`, and exits non-zero on any error.
@main
struct RealAlgoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "realalgo",
        abstract: "RealAlgo: an algorithmic-trading server with a SQLite hub, Lua strategies and an OpenAlgo-compatible API.",
        version: RealAlgoVersion.current,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, SQLCommand.self, UserCommand.self, APIKeyCommand.self,
            BackupCommand.self, BenchCommand.self,
        ])
}
