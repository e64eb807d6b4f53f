// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import Logging
import MarketData
import Schema

/// A real hub file with every migration applied and the master rolled to 2026-11-23 (a Monday),
/// opened for one test and always deleted.
func withMarketDataHub<T>(_ body: (Store, InstrumentDirectory, TradingCalendar) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("realalgo-md-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try Store.open(at: folder.appendingPathComponent("realalgo.db"))
    do {
        _ = try await HubMaintenance.prepare(store, today: tradingMonday)
        let directory = InstrumentDirectory(try await store.marketData.activeInstruments())
        let result = try await body(store, directory, try await store.calendar.load())
        try store.close()
        return result
    } catch {
        try? store.close()
        throw error
    }
}

let tradingMonday = LocalDate(iso: "2026-11-23")!

/// 10:00 IST on `tradingMonday`, in nanoseconds.
let mondayTenAMNanos = (Int64(tradingMonday.daysSinceEpoch) * 86_400 + 10 * 3600 - 19_800) * 1_000_000_000

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
