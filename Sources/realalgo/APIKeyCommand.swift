// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Cryptography
import Foundation
import Schema
import Server

/// `realalgo apikey create | list | revoke`.
struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey",
        abstract: "Create, list and revoke API keys (stored only as a keyed hash).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key and print it (only the key, on standard output, once).",
            discussion: "Example: KEY=$(realalgo apikey create --user alice)")

        @OptionGroup var data: DataDirOptions
        @Option(help: "The user the key acts for.") var user: String
        @Option(help: "A label to tell keys apart.") var name = "default"

        func run() async throws {
            let generator = APIKeyGenerator(secretKey: try SecretKey.load(dataDirectory: data.dataDirectory.url))
            let key = try generator.generate()
            try await HubSession.withStore(data.dataDirectory) { store in
                let info = try await store.apiKeys.create(
                    username: user, name: name, keyHash: generator.hash(key), prefix: String(key.prefix(8)), actor: .cli)
                print(key)
                printError("created API key \(info.id) (\(info.prefix)…) for \(info.username); it is shown only now")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (never the keys themselves).")

        @OptionGroup var data: DataDirOptions
        @Option(help: "Only this user's keys.") var user: String?
        @Option(help: "Output format: table, csv or json.") var format: OutputFormat = .table

        func run() async throws {
            try await HubSession.withReader(data.dataDirectory) { store in
                let keys = try await store.apiKeys.list(username: user)
                let result = QueryResult(
                    columns: ["id", "user", "name", "prefix", "created_at", "last_used_at", "revoked_at"],
                    rows: keys.map { key in
                        [
                            .integer(key.id), .text(key.username), .text(key.name), .text(key.prefix), .text(key.createdAt),
                            key.lastUsedAt.map(SQLValue.text) ?? .null, key.revokedAt.map(SQLValue.text) ?? .null,
                        ]
                    },
                    truncated: false)
                StandardOutput.write(QueryResultFormatter.render(result, as: format))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key at once; it stops working on the next request.")

        @OptionGroup var data: DataDirOptions
        @Argument(help: "The key's id, from `realalgo apikey list`.") var id: Int64

        func run() async throws {
            try await HubSession.withStore(data.dataDirectory) { store in
                try await store.apiKeys.revoke(id: id, actor: .cli)
                print("revoked API key \(id)")
            }
        }
    }
}
