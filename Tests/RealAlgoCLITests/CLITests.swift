// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@Suite("realalgo command line")
struct CLITests {
    static let password = "a long enough password"

    @Test("version, help, and usage errors that exit 64")
    func usage() throws {
        #expect(try CLI.run(["--version"]).stdout == "0.1.0\n")
        let help = try CLI.run(["--help"])
        for command in ["serve", "migrate", "sql", "user", "apikey", "backup", "bench"] { #expect(help.stdout.contains(command)) }

        for arguments in [
            ["frobnicate"], ["migrate", "--bogus"], ["sql"], ["user", "create"], ["serve", "--port", "70000"], ["serve", "--port", "x"],
            ["sql", "--max-rows", "0", "SELECT 1"],
        ] {
            let result = try CLI.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.status)")
            #expect(result.stderr.contains("Usage:") || result.stderr.contains("Error:"), "\(arguments): \(result.stderr)")
        }
    }

    @Test("migrate creates the hub, is idempotent, and --status lists every migration")
    func migrate() throws {
        let data = try DataFolder()
        defer { data.remove() }
        let first = try data.run("migrate")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.split(separator: "\n").count == 18)
        #expect(first.stdout.hasPrefix("applied 0001_create_identity.sql"))
        #expect(first.stderr.contains("listed"))
        let second = try data.run("migrate")
        #expect(second.stdout.isEmpty)
        #expect(second.stderr.contains("is up to date"))
        let status = try data.run("migrate", "--status")
        #expect(status.status == 0)
        #expect(status.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("applied") })
        #expect(status.stderr.contains("18 applied, 0 pending"))
    }

    @Test("a missing, corrupt or foreign database gives a clear message and a non-zero exit")
    func badDatabases() throws {
        let data = try DataFolder()
        defer { data.remove() }
        let missing = try data.run("sql", "SELECT 1")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no RealAlgo database"))
        let missingStatus = try data.run("migrate", "--status")
        #expect(missingStatus.status == 1 && missingStatus.stderr.contains("no RealAlgo database"))
        #expect(!FileManager.default.fileExists(atPath: data.database.path))

        try Data(String(repeating: "garbage ", count: 512).utf8).write(to: data.database)
        let corrupt = try data.run("migrate")
        #expect(corrupt.status == 1)
        #expect(corrupt.stderr.contains("not a SQLite database or is corrupt"))
        #expect(!corrupt.stderr.contains("Fatal error"))
        let corruptQuery = try data.run("sql", "SELECT 1")
        #expect(corruptQuery.status == 1 && corruptQuery.stderr.contains("not a database"))
    }

    @Test("an edited migration and a newer schema stop migrate with a clear message")
    func migrationGuards() throws {
        let data = try DataFolder()
        defer { data.remove() }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let migrations = data.url.appendingPathComponent("migrations")
        try FileManager.default.copyItem(at: repository.appendingPathComponent("migrations"), to: migrations)
        #expect(try data.run("migrate").status == 0)

        let edited = migrations.appendingPathComponent("0003_create_strategies.sql")
        try (String(contentsOf: edited, encoding: .utf8) + "\n-- edited\n").write(to: edited, atomically: true, encoding: .utf8)
        let changed = try data.run("migrate", "--migrations-dir", migrations.path)
        #expect(changed.status == 1)
        #expect(changed.stderr.contains("migration 0003_create_strategies.sql was changed after it was applied"))
        let status = try data.run("migrate", "--status", "--migrations-dir", migrations.path)
        #expect(status.status == 2)
        #expect(status.stdout.contains("changed  0003_create_strategies.sql"))

        try FileManager.default.removeItem(at: edited)
        try FileManager.default.copyItem(at: repository.appendingPathComponent("migrations/0003_create_strategies.sql"), to: edited)
        try "CREATE TABLE future_feature (id INTEGER PRIMARY KEY) STRICT;\n".write(
            to: migrations.appendingPathComponent("9999_add_future_feature.sql"), atomically: true, encoding: .utf8)
        #expect(try data.run("migrate", "--migrations-dir", migrations.path).stdout == "applied 9999_add_future_feature.sql\n")
        let newer = try data.run("migrate")
        #expect(newer.status == 1)
        #expect(newer.stderr.contains("migrated by a newer RealAlgo"))
        #expect(newer.stderr.contains("9999_add_future_feature.sql"))
    }

    @Test("users: the first is admin, passwords come only from standard input, duplicates are refused")
    func users() throws {
        let data = try DataFolder()
        defer { data.remove() }
        let noFlag = try data.run("user", "create", "alice")
        #expect(noFlag.status == 64 && noFlag.stderr.contains("--password-stdin"))
        let short = try data.run("user", "create", "alice", "--password-stdin", stdin: "short")
        #expect(short.status != 0 && short.stderr.contains("at least 8 characters"))
        let badName = try data.run("user", "create", "alice smith", "--password-stdin", stdin: Self.password)
        #expect(badName.status == 64 && badName.stderr.contains("username must be"))

        let alice = try data.run("user", "create", "alice", "--password-stdin", stdin: Self.password + "\n")
        #expect(alice.status == 0, "\(alice.stderr)")
        #expect(alice.stdout == "created user alice (id 1, admin)\n")
        #expect(try data.run("user", "create", "bob", "--password-stdin", stdin: Self.password).stdout == "created user bob (id 2)\n")
        let duplicate = try data.run("user", "create", "ALICE", "--password-stdin", stdin: Self.password)
        #expect(duplicate.status == 1 && duplicate.stderr.contains("already exists"))

        #expect(try data.run("user", "passwd", "bob", "--password-stdin", stdin: "another long password").stdout == "password changed for bob\n")
        let unknown = try data.run("user", "passwd", "carol", "--password-stdin", stdin: "another long password")
        #expect(unknown.status == 1 && unknown.stderr.contains("no user named 'carol'"))

        let list = try data.run("user", "list", "--format", "json")
        let users = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(users.map { $0["username"] as? String } == ["alice", "bob"])
        #expect(users.map { $0["admin"] as? Int } == [1, 0])
        #expect(!list.stdout.contains("pbkdf2"))
    }

    @Test("API keys: create prints only the key, listings never show it, revocation is final")
    func apiKeys() throws {
        let data = try DataFolder()
        defer { data.remove() }
        #expect(try data.run("user", "create", "alice", "--password-stdin", stdin: Self.password).status == 0)
        let created = try data.run("apikey", "create", "--user", "alice", "--name", "bot")
        #expect(created.status == 0)
        let key = created.stdout.trimmingCharacters(in: .newlines)
        #expect(created.stdout == key + "\n")
        #expect(key.count == 64 && key.allSatisfy(\.isHexDigit))
        #expect(created.stderr.contains("shown only now"))
        #expect(FileManager.default.fileExists(atPath: data.url.appendingPathComponent("realalgo.key").path))

        let list = try data.run("apikey", "list", "--user", "alice", "--format", "csv")
        #expect(list.stdout.contains("1,alice,bot,\(key.prefix(8)),"))
        #expect(!list.stdout.contains(key))
        let stored = try data.run("sql", "SELECT count(*) FROM api_keys WHERE key_hash = '\(key)' OR key_hash LIKE '%\(key.suffix(16))%'")
        #expect(stored.stdout.contains("0"))

        #expect(try data.run("apikey", "revoke", "1").stdout == "revoked API key 1\n")
        let again = try data.run("apikey", "revoke", "1")
        #expect(again.status == 1 && again.stderr.contains("already revoked"))
        let unknownUser = try data.run("apikey", "create", "--user", "mallory")
        #expect(unknownUser.status == 1 && unknownUser.stdout.isEmpty && unknownUser.stderr.contains("no active user"))
    }

    @Test("what realalgo writes is owner-only, whatever the umask")
    func permissions() throws {
        let data = try DataFolder()
        defer { data.remove() }
        let nested = data.url.appendingPathComponent("hub")
        let result = try CLI.run(["migrate", "--data-dir", nested.path])
        #expect(result.status == 0)
        func mode(_ path: String) throws -> Int {
            try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber).intValue
        }
        #expect(try mode(nested.path) == 0o700)
        #expect(try mode(nested.appendingPathComponent("realalgo.db").path) == 0o600)
        #expect(try CLI.run(["backup", "--data-dir", nested.path, data.url.appendingPathComponent("b.db").path]).status == 0)
        #expect(try mode(data.url.appendingPathComponent("b.db").path) == 0o600)
    }

    @Test("sql prints tables, CSV and JSON, and notes a truncated result")
    func sqlFormats() throws {
        let data = try DataFolder()
        defer { data.remove() }
        #expect(try data.run("migrate").status == 0)
        let query = "SELECT code, tradable FROM exchanges WHERE code IN ('NSE', 'NSE_INDEX') ORDER BY code"
        #expect(
            try data.run("sql", query).stdout == "code      | tradable\n----------+---------\nNSE       |        1\nNSE_INDEX |        0\n(2 rows)\n")
        #expect(try data.run("sql", "--format", "csv", query).stdout == "code,tradable\r\nNSE,1\r\nNSE_INDEX,0\r\n")
        #expect(
            try data.run("sql", "--format", "json", query).stdout
                == "[{\"code\":\"NSE\",\"tradable\":1},\n {\"code\":\"NSE_INDEX\",\"tradable\":0}]\n")
        #expect(try data.run("sql", "--format", "csv", "SELECT 'a,\"b\"' AS x, NULL AS y, 1.5 AS z").stdout == "x,y,z\r\n\"a,\"\"b\"\"\",,1.5\r\n")
        #expect(try data.run("sql", "--format", "csv", "SELECT 'a' || char(13, 10) || 'b' AS x").stdout == "x\r\n\"a\r\nb\"\r\n")
        #expect(try data.run("sql", "--format", "json", "SELECT x'00ff' AS b").stdout == "[{\"b\":\"AP8=\"}]\n")
        let truncated = try data.run("sql", "--max-rows", "3", "SELECT id FROM instruments")
        #expect(truncated.status == 0)
        #expect(truncated.stdout.contains("(3 rows)"))
        #expect(truncated.stderr.contains("stopped at 3 rows"))
        let slow = try data.run("sql", "--timeout", "0.2", "WITH RECURSIVE f(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM f) SELECT count(*) FROM f")
        #expect(slow.status == 1 && slow.stderr.contains("was stopped"))
    }

    @Test(
        "sql refuses every kind of write with a read-only message and changes nothing",
        arguments: [
            "DELETE FROM orders", "INSERT INTO users (username, password_hash) VALUES ('x', 'pbkdf2-sha256$1$a$b')",
            "UPDATE settings SET value = 'true' WHERE key = 'risk.kill_switch'", "DROP TABLE trades", "ATTACH 'other.db' AS other",
            "PRAGMA writable_schema = 1", "CREATE TABLE x (y)", "VACUUM",
        ])
    func sqlReadOnly(statement: String) throws {
        let data = try DataFolder()
        defer { data.remove() }
        #expect(try data.run("user", "create", "alice", "--password-stdin", stdin: Self.password).status == 0)
        let before = try data.run(
            "sql", "--format", "csv",
            "SELECT (SELECT count(*) FROM sqlite_schema), (SELECT count(*) FROM users), (SELECT value FROM settings WHERE key = 'risk.kill_switch')"
        ).stdout
        let result = try data.run("sql", statement)
        #expect(result.status == 1)
        #expect(result.stderr.contains("read-only"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(
            try data.run(
                "sql", "--format", "csv",
                "SELECT (SELECT count(*) FROM sqlite_schema), (SELECT count(*) FROM users), (SELECT value FROM settings WHERE key = 'risk.kill_switch')"
            ).stdout == before)
        #expect(!FileManager.default.fileExists(atPath: data.url.appendingPathComponent("other.db").path))
    }

    @Test("backup writes a consistent copy that realalgo can open, and never overwrites by accident")
    func backup() throws {
        let data = try DataFolder()
        defer { data.remove() }
        #expect(try data.run("user", "create", "alice", "--password-stdin", stdin: Self.password).status == 0)
        let copyFolder = data.url.appendingPathComponent("copy")
        try FileManager.default.createDirectory(at: copyFolder, withIntermediateDirectories: true)
        let target = copyFolder.appendingPathComponent("realalgo.db").path

        let made = try data.run("backup", target)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("backed up"))
        #expect(try CLI.run(["sql", "--data-dir", copyFolder.path, "SELECT username FROM users"]).stdout.contains("alice"))
        let again = try data.run("backup", target)
        #expect(again.status == 1 && again.stderr.contains("already exists"))
        let onFolder = try data.run("backup", copyFolder.path, "--force")
        #expect(onFolder.status == 1 && onFolder.stderr.contains("is a folder"))
        #expect(FileManager.default.fileExists(atPath: target))
        let onLive = try data.run("backup", data.database.path, "--force")
        #expect(onLive.status == 1 && onLive.stderr.contains("is the live database"))
        #expect(try data.run("backup", target, "--force").status == 0)

        let empty = try DataFolder()
        defer { empty.remove() }
        let nothing = try empty.run("backup", empty.url.appendingPathComponent("x.db").path)
        #expect(nothing.status == 1 && nothing.stderr.contains("no RealAlgo database"))
    }

    @Test("bench store --json prints one JSON object of named figures")
    func bench() throws {
        let result = try CLI.run(["bench", "store", "--json", "--ticks", "2000", "--batch", "500", "--orders", "50", "--full-orders", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Double])
        for key in [
            "tick_insert_rows_per_s", "tick_insert_grdb_arguments_rows_per_s", "order_commits_per_s", "order_commit_p50_us", "order_commit_p99_us",
            "order_commits_full_per_s",
        ] {
            #expect((figures[key] ?? 0) > 0, "\(key)")
        }
        // --data-dir names where the scratch hubs go; the benchmark removes only what it created.
        let data = try DataFolder()
        defer { data.remove() }
        let marker = data.url.appendingPathComponent("keep-me")
        try Data("x".utf8).write(to: marker)
        let readable = try data.run("bench", "store", "--ticks", "1000", "--batch", "500", "--orders", "20", "--full-orders", "0")
        #expect(readable.stdout.contains("tick inserts (C API binding)"))
        #expect(readable.stdout.contains("rows/s"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path) == ["keep-me"])
    }

    @Test("serve refuses bad settings from flags and the environment before it opens anything")
    func serveSettings() throws {
        let data = try DataFolder()
        defer { data.remove() }
        let badPort = try data.run("serve", environment: ["REALALGO_PORT": "abc"])
        #expect(badPort.status == 64 && badPort.stderr.contains("REALALGO_PORT=abc"))
        let badModule = try data.run("serve", "--modules", "broker,telepathy")
        #expect(badModule.status == 64 && badModule.stderr.contains("unknown module 'telepathy'"))
        let badBool = try data.run("serve", environment: ["REALALGO_ALWAYS_OPEN": "maybe"])
        #expect(badBool.status == 64 && badBool.stderr.contains("REALALGO_ALWAYS_OPEN"))
        let emptyModules = try data.run("serve", "--modules", ",")
        #expect(emptyModules.status == 64 && emptyModules.stderr.contains("all or none"))
        let noWeb = try data.run("serve", "--web-dir", "/no/such/folder")
        #expect(noWeb.status == 64 && noWeb.stderr.contains("the web folder /no/such/folder does not exist"))
        let badKey = try data.run("serve", environment: ["REALALGO_SECRET_KEY": "not-hex"])
        #expect(badKey.status == 64 && badKey.stderr.contains("REALALGO_SECRET_KEY must be 64 hexadecimal characters"))
        #expect(badKey.stderr.contains("realalgo serve"))  // serve's own usage, not the root's
        #expect(!FileManager.default.fileExists(atPath: data.database.path))
    }
}
