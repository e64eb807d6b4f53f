// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Cryptography
import Foundation
import Schema
import Server

/// `realalgo account add | list | enable | disable | mirror`: upstream OpenAlgo-compatible
/// accounts, whose market-data feeds `serve --feed upstream` consumes in priority order with
/// failover, and which take orders when one is the user's default or named in `placeorder`.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Add and list upstream accounts (OpenAlgo-compatible hosts; their API keys are stored encrypted).",
        subcommands: [Add.self, List.self, Enable.self, Disable.self, AccountMirrorCommand.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an upstream account; its API key is read from standard input.",
            discussion: """
                Example:
                  printf '%s' "$UPSTREAM_KEY" | realalgo account add primary --user alice \\
                      --host http://127.0.0.1:5000 --ws-url ws://127.0.0.1:8765 --priority 0 --api-key-stdin
                """)

        @OptionGroup var data: DataDirOptions
        @Argument(help: "A name for the account (1–64 characters).") var name: String
        @Option(help: "The user who owns the account.") var user: String
        @Option(help: "The upstream's REST base, http(s)://host:port.") var host: String
        @Option(name: .customLong("ws-url"), help: "The upstream's market-data WebSocket (default: ws://<host>:8765).") var webSocketURL: String?
        @Option(help: "The broker behind the upstream, for display.") var broker = "openalgo"
        @Option(help: "Failover order: lower is tried first.") var priority = 0
        @Flag(name: .customLong("api-key-stdin"), help: "Read the upstream API key from standard input.") var apiKeyFromStandardInput = false

        func validate() throws {
            guard (1...64).contains(name.count) else { throw ValidationError("the account name must be 1–64 characters") }
            guard let url = URL(string: host), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--host must be an http(s):// URL")
            }
            if let webSocketURL {
                guard let url = URL(string: webSocketURL), ["ws", "wss"].contains(url.scheme ?? ""), url.host != nil else {
                    throw ValidationError("--ws-url must be a ws(s):// URL")
                }
            }
            guard apiKeyFromStandardInput else { throw ValidationError("pass --api-key-stdin and the upstream API key on standard input") }
        }

        func run() async throws {
            let key = (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces)
            guard (1...256).contains(key.count) else { throw ValidationError("the upstream API key on standard input is empty or too long") }
            let box = CredentialBox(secretKey: try SecretKey.load(dataDirectory: data.dataDirectory.url))
            let sealed = try box.seal(key)
            try await HubSession.withStore(data.dataDirectory) { store in
                let id = try await store.accounts.addUpstream(
                    username: user, name: name, broker: broker, hostURL: host, webSocketURL: webSocketURL, sealedCredentials: sealed,
                    priority: priority)
                print("added account \(id) (\(name), priority \(priority))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List upstream accounts in failover order (never their keys).")

        @OptionGroup var data: DataDirOptions
        @Option(help: "Output format: table, csv or json.") var format: OutputFormat = .table

        func run() async throws {
            try await HubSession.withReader(data.dataDirectory) { store in
                let accounts = try await store.accounts.upstreamAccounts(activeOnly: false)
                let result = QueryResult(
                    columns: ["id", "name", "broker", "host_url", "ws_url", "priority", "active"],
                    rows: accounts.map { account in
                        [
                            .integer(account.id), .text(account.name), .text(account.broker), .text(account.hostURL),
                            account.webSocketURL.map(SQLValue.text) ?? .null, .integer(Int64(account.priority)), .integer(account.isActive ? 1 : 0),
                        ]
                    },
                    truncated: false)
                StandardOutput.write(QueryResultFormatter.render(result, as: format))
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Use an account again for failover.")
        @OptionGroup var data: DataDirOptions
        @Argument(help: "The account's id, from `realalgo account list`.") var id: Int64

        func run() async throws {
            try await HubSession.withStore(data.dataDirectory) { store in try await store.accounts.setActive(accountID: id, true) }
            print("enabled account \(id)")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop using an account (a running server notices on restart).")
        @OptionGroup var data: DataDirOptions
        @Argument(help: "The account's id, from `realalgo account list`.") var id: Int64

        func run() async throws {
            try await HubSession.withStore(data.dataDirectory) { store in try await store.accounts.setActive(accountID: id, false) }
            print("disabled account \(id)")
        }
    }
}
