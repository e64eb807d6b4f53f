// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import Testing

@testable import Schema

/// Group commit must look, to each caller, exactly like a transaction of its own.
@Suite("Group commit")
struct GroupCommitTests {
    private struct ChangedMind: Error, Equatable { var index: Int }

    /// Users are a handy observed table with a unique constraint.
    private static func insertUser(_ name: String, in db: Database) throws {
        try db.execute(sql: "INSERT INTO users (username, password_hash) VALUES (?, 'pbkdf2-sha256$1$a$b')", arguments: [name])
    }

    @Test("concurrent callers: each one's throw undoes only its own rows and reaches it unchanged")
    func isolation() async throws {
        try await withHub { (store: Store) async throws in
            let outcomes = try await withThrowingTaskGroup(of: (Int, Result<Int64, any Error>).self) { group in
                for index in 0..<300 {
                    group.addTask {
                        do {
                            let id = try await store.writeGrouped { db -> Int64 in
                                try Self.insertUser("user\(index)", in: db)
                                let id = db.lastInsertedRowID
                                if index % 3 == 0 { throw ChangedMind(index: index) }
                                if index % 3 == 1 { try Self.insertUser("user\(index)-b", in: db) }
                                return id
                            }
                            return (index, .success(id))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                var all: [Int: Result<Int64, any Error>] = [:]
                for try await (index, outcome) in group { all[index] = outcome }
                return all
            }
            for (index, outcome) in outcomes {
                switch outcome {
                case .success: #expect(index % 3 != 0)
                case .failure(let error): #expect((error as? ChangedMind) == ChangedMind(index: index))
                }
            }
            #expect(try await store.scalar("SELECT count(*) FROM users WHERE username GLOB 'user*'", as: Int.self) == 300)  // 200 + 100 "-b"
            #expect(
                try await store.scalar(
                    "SELECT count(*) FROM users WHERE username GLOB 'user*' AND CAST(substr(username, 5) AS INTEGER) % 3 = 0", as: Int.self) == 0)
        }
    }

    @Test("a constraint failure fails its caller with a store error and leaves the batch's other rows")
    func constraintFailure() async throws {
        try await withHub { (store: Store) async throws in
            try await store.writeGrouped { db in try Self.insertUser("taken", in: db) }
            let duplicate = Task {
                try await store.writeGrouped { db in
                    try Self.insertUser("fresh-1", in: db)
                    try Self.insertUser("taken", in: db)
                }
            }
            let fine = Task { try await store.writeGrouped { db in try Self.insertUser("fresh-2", in: db) } }
            await #expect(throws: StoreError.self) { try await duplicate.value }
            try await fine.value
            #expect(
                try await store.scalar(
                    "SELECT group_concat(username, ',') FROM (SELECT username FROM users WHERE username GLOB 'fresh-*' ORDER BY 1)", as: String.self)
                    == "fresh-2")
        }
    }

    @Test("the change feed publishes what committed and nothing of a rolled-back caller")
    func changeFeed() async throws {
        try await withHub { (store: Store) async throws in
            var changes = store.changes.subscribe().makeAsyncIterator()
            let kept = Task { try await store.writeGrouped { db in try Self.insertUser("kept", in: db) } }
            let dropped = Task {
                try await store.writeGrouped { db in
                    try Self.insertUser("dropped", in: db)
                    throw ChangedMind(index: 0)
                }
            }
            try await kept.value
            await #expect(throws: ChangedMind.self) { try await dropped.value }
            let keptID = try #require(try await store.scalar("SELECT id FROM users WHERE username = 'kept'", as: Int64.self))
            var published: [StoreChange] = []
            while !published.contains(StoreChange(table: "users", kind: .insert, rowID: keptID)) {
                published += try #require(await changes.next()).changes
            }
            // The dropped row's id was never committed, so no insert of any other user appears.
            #expect(published.filter { $0.table == "users" && $0.kind == .insert }.count == 1)
        }
    }

    @Test("a caller hears back only after its rows are visible to readers")
    func acknowledgedMeansCommitted() async throws {
        try await withHub { (store: Store) async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        try await store.writeGrouped { db in try Self.insertUser("ack\(index)", in: db) }
                        let seen = try await store.scalar("SELECT count(*) FROM users WHERE username = 'ack\(index)'", as: Int.self)
                        #expect(seen == 1)
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
