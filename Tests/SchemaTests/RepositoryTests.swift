// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import GRDB
import Testing

@testable import Schema

@Suite("Repositories")
struct RepositoryTests {
    @Test("the first user is admin and every user gets a sandbox account with ₹1 crore")
    func users() async throws {
        try await withHub { (store: Store) async throws in
            let alice = try await store.users.create(username: "alice", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            let bob = try await store.users.create(username: "bob", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            #expect(alice.isAdmin && !bob.isAdmin)
            #expect(try await store.users.list().map(\.username) == ["alice", "bob"])
            let account = try #require(try await store.accounts.defaultAccountID(userID: bob.id))
            #expect(try await store.scalar("SELECT opening_balance FROM funds WHERE account_id = \(account)", as: Double.self) == 10_000_000)
            #expect(try await store.scalar("SELECT count(*) FROM audit_log WHERE action = 'user.create'", as: Int.self) == 2)

            let duplicate = try await #require(throws: StoreError.self) {
                try await store.users.create(username: "Alice", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            }
            #expect(duplicate.message.contains("already exists"))
            for bad in ["", "has space", "semi;colon", String(repeating: "a", count: 65), "ünïcode"] {
                #expect(throws: StoreError.self) { try UserRepository.validate(username: bad) }
            }
            try await store.users.setPassword(username: "bob", passwordHash: "pbkdf2-sha256$2$c$d", actor: .cli)
            #expect(try await store.scalar("SELECT password_hash FROM users WHERE username = 'bob'", as: String.self) == "pbkdf2-sha256$2$c$d")
            await #expect(throws: StoreError.self) {
                try await store.users.setPassword(username: "carol", passwordHash: "pbkdf2-sha256$2$c$d", actor: .cli)
            }
        }
    }

    @Test("deleting a strategy without history takes its legs and account links, even with foreign keys off")
    func strategyDeleteCascades() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(
                """
                INSERT INTO users (id, username, password_hash) VALUES (1, 'alice', 'pbkdf2-sha256$1$a$b');
                INSERT INTO strategies (id, user_id, name) VALUES (1, 1, 'draft');
                INSERT INTO strategy_accounts (strategy_id, account_id) VALUES (1, 1);
                INSERT INTO strategy_legs (strategy_id, leg_number, instrument, exchange, product_type, action)
                VALUES (1, 1, 'SBIN', 'NSE', 'equity', 'BUY');
                """)
            try await store.pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.execute(sql: "DELETE FROM strategies WHERE id = 1")
                try db.execute(sql: "PRAGMA foreign_keys = ON")
            }
            #expect(try await store.scalar("SELECT count(*) FROM strategy_legs", as: Int.self) == 0)
            #expect(try await store.scalar("SELECT count(*) FROM strategy_accounts", as: Int.self) == 0)
        }
    }

    @Test("the first user must be active, so the hub always has an active admin")
    func firstUserActive() async throws {
        try await withHub { (store: Store) async throws in
            let error = try await #require(throws: StoreError.self) {
                try await store.execute("INSERT INTO users (username, password_hash, is_active) VALUES ('ghost', 'pbkdf2-sha256$1$a$b', 0)")
            }
            #expect(error.message.contains("the first user must be active"))
        }
    }

    @Test("API keys resolve to their user until revoked, and revocation is immediate and final")
    func apiKeys() async throws {
        try await withHub { (store: Store) async throws in
            _ = try await store.users.create(username: "alice", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            let hash = String(repeating: "ab", count: 32)
            let key = try await store.apiKeys.create(username: "alice", name: "bot", keyHash: hash, prefix: "abababab", actor: .cli)
            #expect(key.name == "bot" && !key.isRevoked)
            #expect(try await store.apiKeys.principal(forKeyHash: hash)?.username == "alice")
            #expect(try await store.apiKeys.principal(forKeyHash: String(repeating: "cd", count: 32)) == nil)

            try await store.apiKeys.recordUse(keyID: key.id)
            #expect(try await store.apiKeys.list(username: "alice").first?.lastUsedAt != nil)

            try await store.apiKeys.revoke(id: key.id, actor: .cli)
            #expect(try await store.apiKeys.principal(forKeyHash: hash) == nil)
            let again = try await #require(throws: StoreError.self) { try await store.apiKeys.revoke(id: key.id, actor: .cli) }
            #expect(again.message.contains("already revoked"))
            await #expect(throws: StoreError.self) { try await store.apiKeys.revoke(id: 999, actor: .cli) }
            await #expect(throws: StoreError.self) { try await store.apiKeys.list(username: "nobody") }
            await #expect(throws: StoreError.self) {
                try await store.apiKeys.create(
                    username: "nobody", name: "x", keyHash: String(repeating: "ef", count: 32), prefix: "efefefef", actor: .cli)
            }
        }
    }

    @Test("a deactivated user's keys stop working")
    func inactiveUser() async throws {
        try await withHub { (store: Store) async throws in
            _ = try await store.users.create(username: "alice", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            _ = try await store.users.create(username: "bob", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            let hash = String(repeating: "12", count: 32)
            _ = try await store.apiKeys.create(username: "bob", name: "bot", keyHash: hash, prefix: "12121212", actor: .cli)
            try await store.execute("UPDATE users SET is_active = 0 WHERE username = 'bob'")
            #expect(try await store.apiKeys.principal(forKeyHash: hash) == nil)
        }
    }

    @Test("the derivative master lists this week's and this month's contracts and is idempotent")
    func derivativeRoll() async throws {
        try await withHub { (store: Store) async throws in
            let calendar = try await store.calendar.load()
            #expect(try await store.instruments.rollDerivatives(asOf: testToday, calendar: calendar) == .init(listed: 0, retired: 0))
            let expiries = try ReadOnlyQuery.run(
                "SELECT DISTINCT expiry FROM instruments WHERE underlying = 'NIFTY' AND instrument_type = 'CE' ORDER BY expiry",
                databaseURL: store.databaseURL
            ).rows.compactMap { row -> String? in if case .text(let text) = row.first { text } else { nil } }
            // 24 Nov 2026 (Tuesday) is Guru Nanak Jayanti, so that week's and that month's expiry is Monday 23 Nov.
            #expect(expiries == ["2026-11-23", "2026-12-01", "2026-12-08", "2026-12-15", "2026-12-29", "2027-01-25"])
            let bankExpiries = try ReadOnlyQuery.run(
                "SELECT DISTINCT expiry FROM instruments WHERE underlying = 'BANKNIFTY' AND instrument_type = 'PE' ORDER BY expiry",
                databaseURL: store.databaseURL
            ).rows.count
            #expect(bankExpiries == 3)
            #expect(try await store.scalar("SELECT lot_size FROM instruments WHERE symbol = 'NIFTY23NOV2626000CE'", as: Int.self) == 65)
            #expect(try await store.scalar("SELECT count(*) FROM instruments WHERE symbol = 'BANKNIFTY29DEC26FUT'", as: Int.self) == 1)
            #expect(
                try await store.scalar(
                    "SELECT count(*) FROM instruments WHERE underlying = 'NIFTY' AND expiry = '2026-12-01' AND instrument_type = 'CE'", as: Int.self)
                    == 41)

            // A week later the 23 Nov contracts are retired and a new weekly is listed.
            let later = try await store.instruments.rollDerivatives(asOf: LocalDate(iso: "2026-11-28")!, calendar: calendar)
            #expect(later.retired == 41 * 2 * 2 + 2)  // NIFTY and BANKNIFTY options, and both futures
            #expect(later.listed > 0)
            #expect(try await store.scalar("SELECT is_active FROM instruments WHERE symbol = 'NIFTY23NOV26FUT'", as: Int.self) == 0)
            #expect(
                try await store.scalar("SELECT count(*) FROM instruments WHERE expiry = '2026-12-22' AND underlying = 'NIFTY'", as: Int.self) == 82)
        }
    }

    @Test("a holiday published after listing moves the expiry: the old contracts retire and new ones list")
    func holidayMovesExpiry() async throws {
        try await withHub { (store: Store) async throws in
            try await store.execute(
                "INSERT INTO market_holidays (holiday_date, exchange, description, source) VALUES ('2026-12-08', 'NFO', 'Test closure', 'test')")
            let roll = try await store.instruments.rollDerivatives(asOf: testToday, calendar: try await store.calendar.load())
            #expect(roll.retired == 82)  // NIFTY 8 Dec weekly: 41 strikes × CE and PE
            #expect(roll.listed == 82)
            #expect(try await store.scalar("SELECT count(*) FROM instruments WHERE is_active = 1 AND expiry = '2026-12-08'", as: Int.self) == 0)
            #expect(try await store.scalar("SELECT count(*) FROM instruments WHERE is_active = 1 AND expiry = '2026-12-07'", as: Int.self) == 82)
        }
    }

    @Test("the seeded calendar answers real questions")
    func seededCalendar() async throws {
        let calendar = try await withHub { (store: Store) async throws in try await store.calendar.load() }
        func date(_ text: String) -> LocalDate { LocalDate(iso: text)! }
        func windows(_ text: String, _ exchange: ExchangeCode) -> [String] {
            calendar.openWindows(on: date(text), exchange: exchange).map { "\($0.type.rawValue) \($0.window)" }
        }
        #expect(windows("2026-11-20", .nse) == ["pre_open 09:00–09:08", "normal 09:15–15:30", "post_close 15:40–16:00"])
        #expect(windows("2026-11-24", .nse).isEmpty)  // Guru Nanak Jayanti
        #expect(windows("2026-11-24", .mcx) == ["normal 17:00–23:55"])  // evening session only, winter hours
        #expect(windows("2026-07-01", .mcx) == ["normal 09:00–23:30"])  // US summer time
        #expect(windows("2026-12-01", .mcx) == ["normal 09:00–23:55"])
        #expect(windows("2025-10-21", .nse) == ["pre_open 13:30–13:45", "normal 13:45–14:45", "post_close 14:55–15:05"])  // Muhurat
        #expect(windows("2026-02-01", .nfo) == ["normal 09:15–15:30"])  // budget Sunday
        #expect(windows("2026-11-21", .nse).isEmpty)  // Saturday
        #expect(windows("2026-02-19", .cds).isEmpty && !windows("2026-02-19", .nse).isEmpty)  // currency-only holiday
        #expect(windows("2026-01-01", .mcx) == ["normal 09:00–17:00"])  // New Year: morning only
        #expect(windows("2026-11-20", .nseIndex) == windows("2026-11-20", .nse))
        #expect(windows("2026-11-20", .bcd) == ["normal 09:00–17:00"])
        #expect(windows("2026-11-20", .mcxIndex) == windows("2026-11-20", .mcx))
        #expect(windows("2027-01-26", .nfo).isEmpty)  // Republic Day
        #expect(calendar.squareOffTime(for: .nfo)?.description == "15:15")
        #expect(calendar.squareOffTime(for: .cds)?.description == "16:45")
        #expect(calendar.tradingDay(onOrBefore: date("2026-11-24"), on: .nfo) == date("2026-11-23"))
        // 20 Nov 2026 10:00 IST = 04:30 UTC.
        #expect(calendar.isOpen(atSecondsSinceEpoch: 1_795_149_000, exchange: .nse))
        #expect(!calendar.isOpen(atSecondsSinceEpoch: 1_795_149_000 - 4 * 3600, exchange: .nse))
        #expect(calendar.holiday(on: date("2026-11-24"), exchange: .nfo)?.description == "Prakash Gurpurb Sri Guru Nanak Dev")
    }
}
