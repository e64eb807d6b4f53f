// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Core
import Foundation
import LuaBridge
import MarketData
import Schema
import Server
import Strategies

extension BacktestCommand {
    /// The data of a run and how to describe it in the report and the hub.
    struct Input {
        var data: BacktestSession.Data
        var label: String
        var symbols: [StrategySymbol]
        var timeframe: Timeframe?
        var fromSeconds: Int64?
        var toSeconds: Int64?
    }

    func loadData(declaration: StrategyDeclaration, instruments: InstrumentDirectory, calendar: TradingCalendar, hub: Store?) async throws -> Input {
        let chosen =
            try symbols.map { text in
                try text.split(separator: ",").map { part -> StrategySymbol in
                    guard let symbol = StrategySymbol(text: part.trimmingCharacters(in: .whitespaces)) else {
                        throw ValidationError("--symbols: \(part) is not EXCHANGE:SYMBOL")
                    }
                    return symbol
                }
            } ?? declaration.symbols
        let frame =
            try timeframe.map { text -> Timeframe in
                guard let frame = Timeframe(rawValue: text) else {
                    throw ValidationError("--timeframe must be one of \(Timeframe.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return frame
            } ?? declaration.timeframe
        if let data {
            if ReplayCSV.holdsTicks(path: data) {
                return try ticks(from: data, frame: frame ?? .m1, instruments: instruments, calendar: calendar)
            }
            let bars: [StrategySymbol: [Bar]]
            do { bars = try BacktestBarsCSV.read(path: data, defaultSymbol: chosen.first, timeframe: frame) } catch let error as BacktestError {
                throw ValidationError(error.description)
            }
            let times = bars.values.flatMap { [$0.first?.start, $0.last?.start] }.compactMap { $0 }
            return Input(
                data: .bars(bars), label: data, symbols: bars.keys.sorted { $0.key < $1.key }, timeframe: bars.values.first?.first?.timeframe,
                fromSeconds: times.min(), toSeconds: times.max())
        }
        guard let hub else { throw ValidationError("no hub at \(dataDir.dataDirectory.databaseURL.path): pass --data FILE.csv") }
        guard let frame else { throw ValidationError("the strategy declares no timeframe: pass --timeframe") }
        guard let fromText = from, let start = ReplayTimestamp.parse(fromText) else {
            throw ValidationError("--from is required with hub data (a date or time)")
        }
        let end: Int64
        if let toText = to {
            guard let parsed = ReplayTimestamp.parse(toText) else { throw ValidationError("--to: \(ReplayTimestamp.expectedForms)") }
            end = parsed.nanos / 1_000_000_000 + (parsed.isDateOnly ? 86_400 : 0)
        } else {
            end = Int64(Date().timeIntervalSince1970)
        }
        var bars: [StrategySymbol: [Bar]] = [:]
        for symbol in chosen {
            guard let instrument = instruments.instrument(symbol: symbol.symbol, exchange: symbol.exchange) else {
                throw ValidationError("\(symbol) is not in the hub's instrument master")
            }
            bars[symbol] = try await hub.marketData.bars(
                instrumentID: instrument.id, timeframe: frame, from: start.nanos / 1_000_000_000, until: end, limit: 5_000_000)
        }
        guard bars.values.contains(where: { !$0.isEmpty }) else {
            throw ValidationError("the hub has no \(frame.rawValue) bars of \(chosen.map(\.key).joined(separator: ", ")) in that range")
        }
        return Input(data: .bars(bars), label: "hub", symbols: chosen, timeframe: frame, fromSeconds: start.nanos / 1_000_000_000, toSeconds: end)
    }

    /// A replay tick file: bars are built from the ticks by the live hub's aggregator and closed as
    /// its replay clock closes them: when the clock reaches a tick's second, every instrument's bars
    /// that have ended close, before that tick is published (``ReplayFeed``).
    private func ticks(from path: String, frame: Timeframe, instruments: InstrumentDirectory, calendar: TradingCalendar) throws -> Input {
        let csv: ReplayCSV
        do { csv = try ReplayCSV.read(path: path, directory: instruments, calendar: calendar) } catch { throw ValidationError("\(error)") }
        var anchors = SessionAnchors(calendar: calendar, alwaysOpen: alwaysOpen)
        var aggregators: [Int64: (symbol: StrategySymbol, aggregator: BarAggregator)] = [:]
        var clockSeconds = Int64.min
        var ticks: [StrategyTick] = []
        var due: [[Backtester.ClosedBar]] = []
        ticks.reserveCapacity(csv.ticks.count)
        due.reserveCapacity(csv.ticks.count)
        for tick in csv.ticks {
            guard let instrument = instruments.instrument(id: tick.instrumentID) else { continue }
            let symbol = StrategySymbol(exchange: instrument.exchange.rawValue, symbol: instrument.symbol)
            ticks.append(
                StrategyTick(
                    symbol: symbol, lastPrice: tick.lastPrice, bid: tick.bid, ask: tick.ask, volume: tick.volume, timeNanos: tick.timestampNanos))
            var closed: [Backtester.ClosedBar] = []
            if tick.timestampSeconds > clockSeconds {
                clockSeconds = tick.timestampSeconds
                for id in Array(aggregators.keys) {
                    guard let end = aggregators[id]?.aggregator.openBarEnd(frame), end <= clockSeconds, let owner = aggregators[id]?.symbol else {
                        continue
                    }
                    for bar in aggregators[id]?.aggregator.closeBars(endingAtOrBefore: clockSeconds) ?? [] {
                        closed.append(Backtester.ClosedBar(symbol: owner, bar: bar, endSeconds: end))
                    }
                }
            }
            if aggregators[tick.instrumentID] == nil { aggregators[tick.instrumentID] = (symbol, BarAggregator(timeframes: [frame])) }
            if let anchor = anchors.anchor(exchange: instrument.exchange.calendarExchange, epochSeconds: tick.timestampSeconds) {
                // The bars due were closed above: a tick in time order closes nothing more here.
                let end = aggregators[tick.instrumentID]?.aggregator.openBarEnd(frame)
                for bar in aggregators[tick.instrumentID]?.aggregator.add(tick, anchor: anchor) ?? [] {
                    closed.append(Backtester.ClosedBar(symbol: symbol, bar: bar, endSeconds: end))
                }
            }
            // In the order they ended, equal ends in symbol order (not the dictionary's, which
            // changes from run to run).
            closed.sort { ($0.endSeconds, $0.symbol.key) < ($1.endSeconds, $1.symbol.key) }
            due.append(closed)
        }
        let symbols = Array(Set(ticks.map(\.symbol))).sorted { $0.key < $1.key }
        return Input(
            data: .ticks(ticks, barsDue: due), label: path, symbols: symbols, timeframe: frame,
            fromSeconds: ticks.first.map { $0.timeNanos / 1_000_000_000 }, toSeconds: ticks.last.map { $0.timeNanos / 1_000_000_000 })
    }

    /// `name=value` pairs (or `name=v1,v2` for sweeps), values read as JSON scalars or text.
    static func values(_ pairs: [String], single: Bool) throws -> [String: [LuaValue]] {
        var result: [String: [LuaValue]] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else { throw ValidationError("\(pair): expected name=value") }
            let name = String(pair[..<equals])
            let text = String(pair[pair.index(after: equals)...])
            let parts = single ? [Substring(text)] : text.split(separator: ",")
            guard !parts.isEmpty else { throw ValidationError("\(pair): no value") }
            result[name] = parts.map { part in
                let trimmed = part.trimmingCharacters(in: .whitespaces)
                if let integer = Int64(trimmed) { return .integer(integer) }
                if let number = Double(trimmed), number.isFinite { return .number(number) }
                if trimmed == "true" || trimmed == "false" { return .boolean(trimmed == "true") }
                return .string(trimmed)
            }
        }
        return result
    }

    static func text(_ value: LuaValue) -> String {
        switch value {
        case .integer(let integer): String(integer)
        case .number(let number): String(number)
        case .string(let text): text
        case .boolean(let flag): String(flag)
        default: value.typeName
        }
    }

    static func money(_ value: Double) -> String { String(format: "%.2f", value) }
}
