// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Schema
import Server

/// `realalgo account mirror add | list | remove`: copy every order placed on one upstream account
/// to others (the AlgoMirror use case), quantity × a whole multiplier.
struct AccountMirrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Mirror the orders of one upstream account to others of the same user.",
        discussion: """
            An order placed on the source account (as the user's default, or named with the
            placeorder field `account`) is also placed on every active target, quantity × the
            multiplier; modifies and cancels follow. A target that refuses does not undo the
            source or the other targets. Sandbox accounts never mirror.

            Example (ids from `realalgo account list`):
              realalgo account mirror add 2 3 --multiplier 2
            """,
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mirror the source account's orders to the target account.")
        @OptionGroup var data: DataDirOptions
        @Argument(help: "The source account's id.") var source: Int64
        @Argument(help: "The target account's id.") var target: Int64
        @Option(help: "The target's quantity is the source's × this (1–100).") var multiplier: Int64 = 1

        func validate() throws {
            guard (1...100).contains(multiplier) else { throw ValidationError("--multiplier must be a whole number from 1 to 100") }
            guard source != target else { throw ValidationError("an account cannot mirror itself") }
        }

        func run() async throws {
            try await HubSession.withStore(data.dataDirectory) { store in
                do {
                    try await store.accountMirrors.add(sourceAccountID: source, targetAccountID: target, multiplier: multiplier)
                } catch let error as StoreError where error.code == .constraint {
                    throw ValidationError(
                        "accounts \(source) and \(target) must be two upstream accounts of the same user (\(error.message))")
                }
            }
            print("account \(source) now mirrors its orders to account \(target) × \(multiplier)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the mirrors.")
        @OptionGroup var data: DataDirOptions
        @Option(help: "Output format: table, csv or json.") var format: OutputFormat = .table

        func run() async throws {
            try await HubSession.withReader(data.dataDirectory) { store in
                let mirrors = try await store.accountMirrors.all()
                let result = QueryResult(
                    columns: ["source_id", "source", "target_id", "target", "multiplier", "active"],
                    rows: mirrors.map { mirror in
                        [
                            .integer(mirror.sourceAccountID), .text(mirror.sourceName), .integer(mirror.targetAccountID), .text(mirror.targetName),
                            .integer(mirror.multiplier), .integer(mirror.isActive ? 1 : 0),
                        ]
                    },
                    truncated: false)
                StandardOutput.write(QueryResultFormatter.render(result, as: format))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop mirroring the source account's orders to the target.")
        @OptionGroup var data: DataDirOptions
        @Argument(help: "The source account's id.") var source: Int64
        @Argument(help: "The target account's id.") var target: Int64

        func run() async throws {
            try await HubSession.withStore(data.dataDirectory) { store in
                try await store.accountMirrors.remove(sourceAccountID: source, targetAccountID: target)
            }
            print("account \(source) no longer mirrors to account \(target)")
        }
    }
}
