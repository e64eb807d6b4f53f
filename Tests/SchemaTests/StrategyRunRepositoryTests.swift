// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import GRDB
import Testing

@testable import Schema

@Suite("Strategy run repository")
struct StrategyRunRepositoryTests {
    static let source = "strategy = { name = 'ema' }\n"

    @Test("a run starts, runs, stops and ends once; a second live run is a conflict")
    func lifecycle() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let id = try await store.strategies.create(userID: users.alice, name: "ema", source: Self.source, origin: .api).id
            let run = try await store.strategyRuns.start(strategyID: id, mode: .sandbox, paramsJSON: #"{"fast":9}"#)
            #expect(run.status == .starting && run.sourceVersion == 1 && run.accountID == nil && run.userID == users.alice)
            #expect(run.paramsJSON == #"{"fast":9}"# && run.orderCount == 0 && run.realizedPnL == 0)

            let second = try await #require(throws: StoreError.self) { try await store.strategyRuns.start(strategyID: id, mode: .sandbox) }
            #expect(second.code == .conflict && second.message.contains("already has a live run"))

            #expect(try await store.strategyRuns.markRunning(runID: run.id).status == .running)
            #expect(try await store.strategyRuns.markRunning(runID: run.id).status == .running)
            let stopping = try await store.strategyRuns.requestStop(runID: run.id, reason: "stopped by the user")
            #expect(stopping.status == .stopping && stopping.stopReason == "stopped by the user")
            #expect(try await store.strategyRuns.requestStop(runID: run.id, reason: "again").stopReason == "stopped by the user")
            #expect(try await store.strategyRuns.liveRuns().map(\.id) == [run.id])
            let stopped = try await store.strategyRuns.finish(runID: run.id, status: .stopped, reason: nil)
            #expect(stopped.status == .stopped && stopped.stopReason == "stopped by the user" && stopped.stoppedAt != nil)
            #expect(try await store.strategyRuns.liveRuns().isEmpty)

            for attempt in [
                { _ = try await store.strategyRuns.finish(runID: run.id, status: .completed, reason: "twice") },
                { _ = try await store.strategyRuns.requestStop(runID: run.id, reason: "late") },
                { _ = try await store.strategyRuns.markRunning(runID: run.id) },
            ] as [@Sendable () async throws -> Void] {
                let error = try await #require(throws: StoreError.self) { try await attempt() }
                #expect(error.code == .constraint)
                #expect(error.message.contains("has already ended") || error.message.contains("not starting"))
            }
            await #expect(throws: StoreError.self) { try await store.strategyRuns.finish(runID: 999, status: .stopped, reason: "x") }
            let unknown = try await #require(throws: StoreError.self) { try await store.strategyRuns.start(strategyID: 999, mode: .sandbox) }
            #expect(unknown.code == .notFound)

            // A failure must say what failed.
            let next = try await store.strategyRuns.start(strategyID: id, mode: .sandbox, status: .running)
            let silent = try await #require(throws: StoreError.self) {
                try await store.strategyRuns.finish(runID: next.id, status: .failed, reason: "crash")
            }
            #expect(silent.code == .constraint)
            let failed = try await store.strategyRuns.finish(
                runID: next.id, status: .failed, reason: "crash", errorMessage: "attempt to index nil", errorLine: 12)
            #expect(failed.errorMessage == "attempt to index nil" && failed.errorLine == 12)
            #expect(try await store.strategyRuns.runs(strategyID: id).map(\.id) == [next.id, run.id])
            #expect(try await store.strategyRuns.runs(strategyID: id, limit: 1).map(\.id) == [next.id])
            #expect(try await store.strategyRuns.run(id: run.id) == stopped)
        }
    }

    @Test("a run names the version and account it trades; live mode needs the strategy's opt-in")
    func versionAccountAndLive() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let id = try await store.strategies.create(userID: users.alice, name: "ema", source: Self.source, origin: .api).id
            _ = try await store.strategies.saveSource(strategyID: id, userID: users.alice, source: Self.source + "-- 2\n", origin: .api)

            let live = try await #require(throws: StoreError.self) { try await store.strategyRuns.start(strategyID: id, mode: .live) }
            #expect(live.code == .constraint && live.message.contains("live mode is off"))
            let foreign = try await #require(throws: StoreError.self) {
                try await store.strategyRuns.start(strategyID: id, mode: .sandbox, accountID: users.bobAccount)
            }
            #expect(foreign.code == .constraint && foreign.message.contains("account of the strategy's user"))
            let missing = try await #require(throws: StoreError.self) {
                try await store.strategyRuns.start(strategyID: id, mode: .sandbox, sourceVersion: 3)
            }
            #expect(missing.code == .constraint)

            let older = try await store.strategyRuns.start(strategyID: id, mode: .sandbox, sourceVersion: 1, accountID: users.aliceAccount)
            #expect(older.sourceVersion == 1 && older.accountID == users.aliceAccount)
            try await store.strategyRuns.finish(runID: older.id, status: .stopped, reason: "done")

            try await store.strategies.setLiveEnabled(strategyID: id, userID: users.alice, enabled: true, actor: .web)
            let current = try await store.strategyRuns.start(strategyID: id, mode: .live)
            #expect(current.mode == .live && current.sourceVersion == 2)
        }
    }

    @Test("a run's realized P&L comes from its fills in the strategy's book")
    func realizedPnL() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let id = try await store.strategies.create(userID: users.alice, name: "ema", source: Self.source, origin: .api).id
            let run = try await store.strategyRuns.start(strategyID: id, mode: .sandbox, status: .running)
            let account = users.aliceAccount
            try await store.execute(
                """
                INSERT INTO orders (id, orderid, account_id, strategy_id, run_id, exchange, symbol, action, quantity, pricetype, product)
                VALUES (1, 'S-1', \(account), \(id), \(run.id), 'NSE', 'SBIN', 'BUY', 10, 'MARKET', 'MIS'),
                       (2, 'S-2', \(account), \(id), \(run.id), 'NSE', 'SBIN', 'SELL', 10, 'MARKET', 'MIS'),
                       (3, 'S-3', \(account), \(id), \(run.id), 'NSE', 'INFY', 'BUY', 5, 'MARKET', 'MIS');
                INSERT INTO trades (tradeid, order_id, account_id, exchange, symbol, product, action, quantity, price) VALUES
                    ('T-1', 1, \(account), 'NSE', 'SBIN', 'MIS', 'BUY', 10, 100),
                    ('T-2', 2, \(account), 'NSE', 'SBIN', 'MIS', 'SELL', 4, 110),
                    ('T-3', 2, \(account), 'NSE', 'SBIN', 'MIS', 'SELL', 6, 95.5),
                    ('T-4', 3, \(account), 'NSE', 'INFY', 'MIS', 'BUY', 5, 1500);
                """)
            let stored = try #require(try await store.strategyRuns.run(id: run.id))
            #expect(stored.orderCount == 3 && stored.tradeCount == 4)
            #expect(abs(stored.realizedPnL - (4 * 10 - 6 * 4.5)) < 1e-9)

            let orders = try await store.strategyRuns.orders(strategyID: id)
            #expect(orders.map(\.orderID) == ["S-1", "S-2", "S-3"])
            #expect(orders[1].filledQuantity == 10 && orders[1].status == .complete && orders[1].action == .sell && orders[1].runID == run.id)
            #expect(abs(orders[1].averagePrice - (4 * 110 + 6 * 95.5) / 10) < 1e-9)
            #expect(try await store.strategyRuns.orders(strategyID: id, runID: run.id + 1).isEmpty)
        }
    }

    @Test("logs append in batches and tail by id, per strategy or per run")
    func logs() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let id = try await store.strategies.create(userID: users.alice, name: "ema", source: Self.source, origin: .api).id
            let other = try await store.strategies.create(userID: users.alice, name: "other", source: Self.source, origin: .api).id
            let first = try await store.strategyRuns.start(strategyID: id, mode: .sandbox)
            try await store.strategyRuns.appendLogs(
                strategyID: id, runID: first.id,
                (1...5).map { (n: Int) in StrategyLogEntry(level: .info, message: "line \(n)", line: n, at: "2026-01-02T04:00:0\(n).000Z") })
            try await store.strategyRuns.finish(runID: first.id, status: .stopped, reason: "done")
            let second = try await store.strategyRuns.start(strategyID: id, mode: .sandbox)
            try await store.strategyRuns.appendLog(strategyID: id, runID: second.id, level: .warn, message: "slow feed")
            try await store.strategyRuns.appendLogs(strategyID: id, runID: nil, [])

            let all = try await store.strategyRuns.logs(strategyID: id)
            #expect(all.map(\.message) == ["line 1", "line 2", "line 3", "line 4", "line 5", "slow feed"])
            #expect(all[0].createdAt == "2026-01-02T04:00:01.000Z" && all[0].line == 1 && all[0].runID == first.id)
            #expect(try await store.strategyRuns.logs(strategyID: id, limit: 2).map(\.message) == ["line 5", "slow feed"])
            #expect(try await store.strategyRuns.logs(strategyID: id, afterID: all[3].id).map(\.message) == ["line 5", "slow feed"])
            #expect(try await store.strategyRuns.logs(strategyID: id, afterID: all[0].id, limit: 1).map(\.message) == ["line 2"])
            #expect(try await store.strategyRuns.logs(strategyID: id, runID: second.id).map(\.level) == [.warn])
            #expect(try await store.strategyRuns.logs(strategyID: other).isEmpty)

            let misfiled = try await #require(throws: StoreError.self) {
                try await store.strategyRuns.appendLog(strategyID: other, runID: second.id, level: .info, message: "x")
            }
            #expect(misfiled.code == .constraint)
        }
    }

    @Test("events merge runs, risk events and warnings newest first, with ids unique across the union")
    func events() async throws {
        try await withHub { (store: Store) async throws in
            let users = try await StrategyTestUsers.make(store)
            let id = try await store.strategies.create(userID: users.alice, name: "ema", source: Self.source, origin: .api).id
            let account = users.aliceAccount
            // Times are written out so the order is certain: run 1 from 09:00 to 09:05, run 2 from 09:06.
            try await store.execute(
                """
                INSERT INTO strategy_runs (id, strategy_id, mode, status, started_at, stopped_at, error_message, error_line)
                VALUES (1, \(id), 'sandbox', 'failed', '2026-01-02T09:00:00.000Z', '2026-01-02T09:05:00.000Z', 'boom', 7);
                INSERT INTO strategy_runs (id, strategy_id, mode, status, started_at) VALUES (2, \(id), 'sandbox', 'running', '2026-01-02T09:06:00.000Z');
                INSERT INTO strategy_legs (id, strategy_id, leg_number, instrument, exchange, product_type, action)
                VALUES (1, \(id), 1, 'SBIN', 'NSE', 'equity', 'BUY');
                INSERT INTO strategy_executions (id, strategy_id, run_id, leg_id, account_id, exchange, symbol, product, action, quantity)
                VALUES (1, \(id), 1, 1, \(account), 'NSE', 'SBIN', 'MIS', 'BUY', 1);
                INSERT INTO risk_events (id, strategy_id, run_id, execution_id, event_type, action_taken, threshold_value, current_value, created_at)
                VALUES (1, \(id), 1, 1, 'stop_loss', 'close_leg', 95, 94.5, '2026-01-02T09:02:00.000Z'),
                       (2, \(id), 2, NULL, 'trade_cap', 'block_new', 10, 10, '2026-01-02T09:07:00.000Z');
                INSERT INTO strategy_logs (id, strategy_id, run_id, level, message, line, created_at) VALUES
                    (1, \(id), 1, 'info', 'entered', 3, '2026-01-02T09:01:00.000Z'),
                    (2, \(id), 1, 'warn', 'spread wide', 4, '2026-01-02T09:03:00.000Z'),
                    (3, \(id), 1, 'error', 'boom', 7, '2026-01-02T09:05:00.000Z');
                """)
            let events = try await store.strategyRuns.events(strategyID: id)
            #expect(
                events.map(\.id) == ["risk:2", "run:2:start", "run:1:end", "log:3", "log:2", "risk:1", "run:1:start"])
            #expect(events.map(\.kind) == ["trade_cap", "run_started", "run_failed", "log_error", "log_warn", "stop_loss", "run_started"])
            #expect(events.map(\.severity) == [.warn, .info, .critical, .critical, .warn, .critical, .info])
            let stop = try #require(events.first { $0.id == "risk:1" })
            #expect(stop.legID == 1 && stop.runID == 1 && stop.message.hasPrefix("stop_loss: close_leg"))
            let payload = try JSONSerialization.jsonObject(with: Data(stop.payloadJSON.utf8)) as? [String: Any]
            #expect(payload?["current_value"] as? Double == 94.5 && payload?["execution_id"] as? Int == 1)
            #expect(events[2].message == "run 1 failed: boom (line 7)")

            #expect(try await store.strategyRuns.events(strategyID: id, runID: 2).map(\.id) == ["risk:2", "run:2:start"])
            #expect(try await store.strategyRuns.events(strategyID: id, kind: "run_started").map(\.id) == ["run:2:start", "run:1:start"])
            #expect(
                try await store.strategyRuns.events(strategyID: id, severity: .critical).map(\.id) == ["run:1:end", "log:3", "risk:1"])
            #expect(try await store.strategyRuns.events(strategyID: id, severity: .warn).count == 5)
            #expect(try await store.strategyRuns.events(strategyID: id, limit: 2).map(\.id) == ["risk:2", "run:2:start"])

            try await store.strategyRuns.appendRiskEvents(
                strategyID: id, runID: 2,
                [StrategyRiskEventEntry(eventType: "max_loss", actionTaken: "close_all", thresholdValue: 5000, currentValue: 5100)])
            #expect(try await store.strategyRuns.events(strategyID: id, limit: 1).first?.kind == "max_loss")
            let badType = try await #require(throws: StoreError.self) {
                try await store.strategyRuns.appendRiskEvents(
                    strategyID: id, runID: 2, [StrategyRiskEventEntry(eventType: "moon", actionTaken: "close_all")])
            }
            #expect(badType.code == .constraint)

            let executions = try await store.strategyRuns.executions(strategyID: id)
            #expect(executions.map(\.id) == [1] && executions[0].legID == 1 && executions[0].status == "pending" && executions[0].action == .buy)
            #expect(try await store.strategyRuns.executions(strategyID: id, runID: 2).isEmpty)
        }
    }
}
