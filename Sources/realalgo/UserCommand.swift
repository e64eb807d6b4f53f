// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Cryptography
import Foundation
import Schema
import Server

/// `realalgo user create | passwd | list`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Create users, change passwords and list users.",
        subcommands: [Create.self, Passwd.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user; the first user of a hub becomes its admin.",
            discussion: "The password is read from standard input:\n  printf '%s' \"$PASSWORD\" | realalgo user create alice --password-stdin")

        @OptionGroup var data: DataDirOptions
        @Argument(help: "Letters, digits, '.', '_' or '-', up to 64 characters.") var name: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input (required).") var passwordStdin = false
        @Flag(help: "Make the user an admin.") var admin = false

        func validate() throws {
            guard passwordStdin else { throw ValidationError("pass the password on standard input with --password-stdin") }
            do { try UserRepository.validate(username: name) } catch { throw ValidationError(String(describing: error)) }
        }

        func run() async throws {
            let hash = try PasswordHasher().hash(try PasswordInput.read())
            try await HubSession.withStore(data.dataDirectory) { store in
                let user = try await store.users.create(username: name, passwordHash: hash, isAdmin: admin, actor: .cli)
                print("created user \(user.username) (id \(user.id)\(user.isAdmin ? ", admin" : ""))")
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's password (read from standard input).")

        @OptionGroup var data: DataDirOptions
        @Argument var name: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input (required).") var passwordStdin = false

        func validate() throws {
            guard passwordStdin else { throw ValidationError("pass the password on standard input with --password-stdin") }
        }

        func run() async throws {
            let hash = try PasswordHasher().hash(try PasswordInput.read())
            try await HubSession.withStore(data.dataDirectory) { store in
                try await store.users.setPassword(username: name, passwordHash: hash, actor: .cli)
                print("password changed for \(name)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")

        @OptionGroup var data: DataDirOptions
        @Option(help: "Output format: table, csv or json.") var format: OutputFormat = .table

        func run() async throws {
            try await HubSession.withReader(data.dataDirectory) { store in
                let users = try await store.users.list()
                let result = QueryResult(
                    columns: ["id", "username", "admin", "active", "created_at", "last_login_at"],
                    rows: users.map { user in
                        [
                            .integer(user.id), .text(user.username), .integer(user.isAdmin ? 1 : 0), .integer(user.isActive ? 1 : 0),
                            .text(user.createdAt), user.lastLoginAt.map(SQLValue.text) ?? .null,
                        ]
                    },
                    truncated: false)
                StandardOutput.write(QueryResultFormatter.render(result, as: format))
            }
        }
    }
}

/// Opens the hub for a command, and always closes it.
enum HubSession {
    /// For commands that change the hub: brings it up to date first (the change may need the
    /// newest schema), then runs `body` on the writer.
    static func withStore<T>(_ directory: DataDirectory, _ body: (Store) async throws -> T) async throws -> T {
        try directory.create()
        let store = try Store.open(at: directory.databaseURL)
        return try await run(store) { store in
            try await MigrationRunner().migrate(store)
            return try await body(store)
        }
    }

    /// For commands that only read: a read-only connection that never migrates, never waits for
    /// the writer (a running server), and works on a hub the user cannot write.
    static func withReader<T>(_ directory: DataDirectory, _ body: (Store) async throws -> T) async throws -> T {
        var options = Store.Options()
        options.create = false
        options.readOnly = true
        return try await run(try Store.open(at: directory.databaseURL, options: options), body)
    }

    private static func run<T>(_ store: Store, _ body: (Store) async throws -> T) async throws -> T {
        do {
            let result = try await body(store)
            try store.close()
            return result
        } catch {
            try? store.close()
            throw error
        }
    }
}
