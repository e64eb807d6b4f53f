// SPDX-License-Identifier: Apache-2.0
import Core
import Cryptography
import Foundation
import GRDB
import Testing

@testable import Schema

/// Two users with their sandbox accounts, for the strategy repositories' tests.
struct StrategyTestUsers {
    let alice: Int64
    let bob: Int64
    let aliceAccount: Int64
    let bobAccount: Int64

    static func make(_ store: Store) async throws -> StrategyTestUsers {
        let alice = try await store.users.create(username: "alice", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
        let bob = try await store.users.create(username: "bob", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
        return StrategyTestUsers(
            alice: alice.id, bob: bob.id, aliceAccount: try #require(try await store.accounts.defaultAccountID(userID: alice.id)),
            bobAccount: try #require(try await store.accounts.defaultAccountID(userID: bob.id)))
    }
}

@Suite("Strategy repository")
struct StrategyRepositoryTests {
    static let v1 = "strategy = { name = 'ema', symbols = { 'NSE:SBIN' } }\nfunction on_bar(bar) end\n"
    static let v2 = v1 + "-- tuned\n"

    @Test("create stores version 1 as the running source, with its declaration")
    func create() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            var changes = store.changes.subscribe().makeAsyncIterator()
            let created = try await store.strategies.create(
                userID: users.alice, name: "ema", source: Self.v1, origin: .web, symbols: ["NSE:SBIN"], timeframe: .m5,
                paramsJSON: #"{"fast":9}"#, description: "crossover")
            #expect(created.kind == .lua && created.product == .mis)
            #expect(created.sourceVersion == 1 && created.source == Self.v1)
            #expect(created.sha256 == Digest.sha256(Array(Self.v1.utf8)).hexString)
            #expect(created.symbols == ["NSE:SBIN"] && created.timeframe == .m5)
            #expect(created.paramsJSON == #"{"fast":9}"# && created.stateJSON == "{}" && created.description == "crossover")
            #expect(created.status == .stopped && created.currentRunID == nil && !created.liveEnabled && created.isActive)
            #expect(try #require(await changes.next()).tables.isSuperset(of: ["strategies", "strategy_versions"]))
            #expect(try await store.strategies.strategy(id: created.id, userID: users.alice) == created)
            #expect(try await store.strategies.strategy(name: "ema", userID: users.alice) == created)
            #expect(try await store.strategies.strategy(id: created.id, userID: users.bob) == nil)

            let duplicate = try await #require(throws: StoreError.self) {
                try await store.strategies.create(userID: users.alice, name: "ema", source: Self.v2, origin: .api)
            }
            #expect(duplicate.code == .conflict)
            // Names are per user.
            _ = try await store.strategies.create(userID: users.bob, name: "ema", source: Self.v1, origin: .api)

            for bad in ["", String(repeating: "x", count: StrategyRepository.maximumSourceBytes + 1)] {
                let error = try await #require(throws: StoreError.self) {
                    try await store.strategies.create(userID: users.alice, name: "bad", source: bad, origin: .api)
                }
                #expect(error.code == .constraint && error.message.contains("1 to 1000000 bytes"))
            }
            let badParams = try await #require(throws: StoreError.self) {
                try await store.strategies.create(userID: users.alice, name: "bad", source: Self.v1, origin: .api, paramsJSON: "[1]")
            }
            #expect(badParams.code == .constraint)
            #expect(try await store.strategies.strategy(name: "bad", userID: users.alice) == nil)
        }
    }

    @Test("saving the same text adds nothing; a change or a revert is a new version; the history keeps every one")
    func versions() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let id = try await store.strategies.create(userID: users.alice, name: "ema", source: Self.v1, origin: .web, paramsJSON: #"{"fast":9}"#).id

            let same = try await store.strategies.saveSource(strategyID: id, userID: users.alice, source: Self.v1, origin: .web)
            #expect(same.sourceVersion == 1)
            let changed = try await store.strategies.saveSource(
                strategyID: id, userID: users.alice, source: Self.v2, origin: .cli,
                declared: StrategyDeclaredFields(symbols: ["NSE:INFY"], timeframe: .m1))
            #expect(changed.sourceVersion == 2 && changed.source == Self.v2)
            #expect(changed.symbols == ["NSE:INFY"] && changed.timeframe == .m1 && changed.paramsJSON == #"{"fast":9}"#)
            let reverted = try await store.strategies.saveSource(strategyID: id, userID: users.alice, source: Self.v1, origin: .web)
            #expect(reverted.sourceVersion == 3 && reverted.sha256 == same.sha256)

            let history = try await store.strategies.versions(strategyID: id, userID: users.alice)
            #expect(history.map(\.version) == [1, 2, 3])
            #expect(history.map(\.origin) == [.web, .cli, .web])
            #expect(history.allSatisfy { $0.source == nil } && history[1].byteCount == Self.v2.utf8.count)
            #expect(
                try await store.strategies.versions(strategyID: id, userID: users.alice, includeSources: true).map(\.source) == [
                    Self.v1, Self.v2, Self.v1,
                ])
            #expect(try await store.strategies.source(strategyID: id, version: 2)?.source == Self.v2)
            #expect(try await store.strategies.source(strategyID: id, version: 4) == nil)
            #expect(try await store.scalar("SELECT count(*) FROM audit_log WHERE action = 'strategy.source'", as: Int.self) == 2)

            let declared = try await store.strategies.updateDeclaration(
                strategyID: id, userID: users.alice,
                declared: StrategyDeclaredFields(symbols: [], timeframe: nil, paramsJSON: #"{"fast":5}"#, description: "d"))
            #expect(declared.symbols.isEmpty && declared.timeframe == nil && declared.paramsJSON == #"{"fast":5}"# && declared.description == "d")

            let foreign = try await #require(throws: StoreError.self) {
                try await store.strategies.saveSource(strategyID: id, userID: users.bob, source: Self.v2, origin: .api)
            }
            #expect(foreign.code == .notFound)
            await #expect(throws: StoreError.self) { try await store.strategies.versions(strategyID: id, userID: users.bob) }
        }
    }

    @Test("a strategies/*.lua file is created once, then versioned only when its text changes")
    func upsertFromFile() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let path = "strategies/ema.lua"
            let declared = StrategyDeclaredFields(symbols: ["NSE:SBIN"], timeframe: .m5, paramsJSON: "{}")
            let first = try await store.strategies.upsertFromFile(
                userID: users.alice, name: "ema", source: Self.v1, filePath: path, declared: declared)
            #expect(first.change == .created && first.changed && first.record.sourceVersion == 1 && first.record.timeframe == .m5)
            let again = try await store.strategies.upsertFromFile(
                userID: users.alice, name: "ema", source: Self.v1, filePath: path, declared: declared)
            #expect(again.change == .unchanged && !again.changed && again.record == first.record)
            let edited = try await store.strategies.upsertFromFile(userID: users.alice, name: "ema", source: Self.v2, filePath: path)
            #expect(edited.change == .updated && edited.record.sourceVersion == 2 && edited.record.symbols == ["NSE:SBIN"])
            let history = try await store.strategies.versions(strategyID: first.record.id, userID: users.alice)
            #expect(history.allSatisfy { $0.origin == .file && $0.filePath == path })

            try await store.execute("INSERT INTO strategies (user_id, name, kind) VALUES (\(users.alice), 'legs', 'legs')")
            let legs = try await #require(throws: StoreError.self) {
                try await store.strategies.upsertFromFile(userID: users.alice, name: "legs", source: Self.v1, filePath: "strategies/legs.lua")
            }
            #expect(legs.code == .constraint && legs.message.contains("legs"))
        }
    }

    @Test("status is running while a run is live, errored after a failed run, stopped otherwise")
    func statusDerivation() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let id = try await store.strategies.create(userID: users.alice, name: "ema", source: Self.v1, origin: .web).id
            struct Shown: Equatable {
                let status: StrategyStatus
                let run: Int64?
                init(_ status: StrategyStatus, _ run: Int64?) {
                    self.status = status
                    self.run = run
                }
            }
            func status() async throws -> Shown {
                guard let record = try await store.strategies.strategy(id: id, userID: users.alice) else {
                    throw StoreError(.notFound, "the strategy vanished")
                }
                return Shown(record.status, record.currentRunID)
            }
            #expect(try await status() == Shown(.stopped, nil))
            let first = try await store.strategyRuns.start(strategyID: id, mode: .sandbox)
            #expect(try await status() == Shown(.running, first.id))
            try await store.strategyRuns.requestStop(runID: first.id, reason: "user")
            #expect(try await status() == Shown(.running, first.id))
            try await store.strategyRuns.finish(runID: first.id, status: .failed, reason: nil, errorMessage: "boom", errorLine: 3)
            #expect(try await status() == Shown(.errored, nil))
            let second = try await store.strategyRuns.start(strategyID: id, mode: .sandbox, status: .running)
            #expect(try await status() == Shown(.running, second.id))
            try await store.strategyRuns.finish(runID: second.id, status: .completed, reason: "end of data")
            #expect(try await status() == Shown(.stopped, nil))
        }
    }

    @Test("list is newest first and filters by status and name")
    func list() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let names = ["Alpha Trend", "beta-revert", "gamma trend"]
            var ids: [Int64] = []
            for name in names { ids.append(try await store.strategies.create(userID: users.alice, name: name, source: Self.v1, origin: .api).id) }
            _ = try await store.strategies.create(userID: users.bob, name: "bob trend", source: Self.v1, origin: .api)
            try await store.execute("UPDATE strategies SET created_at = '2026-01-0' || id || 'T00:00:00.000Z'")
            let run = try await store.strategyRuns.start(strategyID: ids[1], mode: .sandbox)

            let all = try await store.strategies.list(userID: users.alice)
            #expect(all.map(\.name) == names.reversed())
            #expect(all.allSatisfy { $0.source == nil && $0.sha256 != nil })
            #expect(try await store.strategies.list(userID: users.alice, includeSource: true).allSatisfy { $0.source == Self.v1 })
            #expect(try await store.strategies.list(userID: users.alice, nameContains: "TREND").map(\.name) == ["gamma trend", "Alpha Trend"])
            #expect(try await store.strategies.list(userID: users.alice, nameContains: "%").isEmpty)
            let running = try await store.strategies.list(userID: users.alice, status: .running)
            #expect(running.map(\.name) == ["beta-revert"] && running.first?.currentRunID == run.id)
            #expect(try await store.strategies.list(userID: users.alice, status: .stopped).count == 2)
            #expect(try await store.strategies.list(userID: users.alice, status: .errored).isEmpty)
        }
    }

    @Test("setters change one thing each, for the owner only; state saves are cheap and grouped")
    func setters() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let id = try await store.strategies.create(userID: users.alice, name: "ema", source: Self.v1, origin: .api).id
            try await store.strategies.setLiveEnabled(strategyID: id, userID: users.alice, enabled: true, actor: .web)
            try await store.strategies.setParams(strategyID: id, userID: users.alice, paramsJSON: #"{"slow":21}"#)
            try await store.strategies.setActive(strategyID: id, userID: users.alice, isActive: false)
            try await store.execute("UPDATE strategies SET updated_at = '2000-01-01T00:00:00.000Z'")
            try await store.strategies.saveState(strategyID: id, stateJSON: #"{"last":1}"#)
            let record = try #require(try await store.strategies.strategy(id: id, userID: users.alice))
            #expect(record.liveEnabled && !record.isActive && record.paramsJSON == #"{"slow":21}"# && record.stateJSON == #"{"last":1}"#)
            #expect(record.updatedAt > "2000-01-01T00:00:00.000Z", "saving the state moved updated_at on")
            #expect(
                try await store.scalar("SELECT details FROM audit_log WHERE action = 'strategy.live_enabled'", as: String.self)
                    == #"{"live_enabled":true}"#)

            for attempt in [
                { try await store.strategies.setLiveEnabled(strategyID: id, userID: users.bob, enabled: true, actor: .web) },
                { try await store.strategies.setParams(strategyID: id, userID: users.bob, paramsJSON: "{}") },
                { try await store.strategies.setActive(strategyID: id, userID: users.bob, isActive: true) },
                { try await store.strategies.saveState(strategyID: 999, stateJSON: "{}") },
            ] as [@Sendable () async throws -> Void] {
                let error = try await #require(throws: StoreError.self) { try await attempt() }
                #expect(error.code == .notFound)
            }
            let notJSON = try await #require(throws: StoreError.self) { try await store.strategies.saveState(strategyID: id, stateJSON: "[") }
            #expect(notJSON.code == .constraint)
        }
    }

    @Test("delete removes a never-run strategy with its versions, keeps its backtests, and refuses one that ran")
    func delete() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let draft = try await store.strategies.create(userID: users.alice, name: "draft", source: Self.v1, origin: .api)
            _ = try await store.strategies.saveSource(strategyID: draft.id, userID: users.alice, source: Self.v2, origin: .api)
            let backtest = try await store.backtests.save(
                run: BacktestRepositoryTests.summary(userID: users.alice, strategyID: draft.id, name: "draft", tradeCount: 0), trades: [])
            await #expect(throws: StoreError.self) { try await store.strategies.delete(strategyID: draft.id, userID: users.bob, actor: .web) }
            try await store.strategies.delete(strategyID: draft.id, userID: users.alice, actor: .web)
            #expect(try await store.strategies.strategy(id: draft.id, userID: users.alice) == nil)
            #expect(try await store.scalar("SELECT count(*) FROM strategy_versions", as: Int.self) == 0)
            let kept = try #require(try await store.backtests.run(id: backtest))
            #expect(kept.strategyID == nil && kept.strategyName == "draft")

            let ran = try await store.strategies.create(userID: users.alice, name: "ran", source: Self.v1, origin: .api)
            let run = try await store.strategyRuns.start(strategyID: ran.id, mode: .sandbox)
            try await store.strategyRuns.finish(runID: run.id, status: .stopped, reason: "done")
            let refused = try await #require(throws: StoreError.self) {
                try await store.strategies.delete(strategyID: ran.id, userID: users.alice, actor: .web)
            }
            #expect(refused.code == .constraint && refused.message.contains("set is_active = 0"))
        }
    }
}
