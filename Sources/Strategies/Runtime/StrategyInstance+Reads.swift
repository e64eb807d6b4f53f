// SPDX-License-Identifier: Apache-2.0
import Core
import LuaBridge
import Schema

/// The reading half of `ctx`: positions, P&L, funds, quotes, bars, time, the calendar, logs,
/// timers and SQL. Each answers synchronously from the runtime or the desk.
extension StrategyInstance {
    /// Every `ctx` function, as Swift functions made in this VM.
    func makeContextFunctions() -> [LuaValue: LuaValue] {
        var table: [LuaValue: LuaValue] = [:]
        for (name, body) in orderFunctions() + readFunctions() + indicatorFunctions() + legFunctions() {
            table[.string(name)] = .function(vm.makeFunction(named: "ctx." + name, body))
        }
        return table
    }

    private func readFunctions() -> [(String, LuaFunction)] {
        [
            (
                "position",
                { [unowned self] in
                    // The harness turns these into the position table (cheaper than a table across the bridge).
                    let position = book.position(try resolveSymbol(LuaArguments("ctx.position", $0), 0))
                    let price = desk.quote(position.symbol)?.lastPrice ?? 0
                    return [
                        .integer(position.quantity), .number(position.averagePrice), .number(position.realizedPnL),
                        .number(price > 0 ? position.unrealizedPnL(at: price) : 0), .string(position.symbol.symbol),
                        .string(position.symbol.exchange),
                    ]
                }
            ),
            ("positions", { [unowned self] _ in [.array(book.open.map(positionTable))] }),
            (
                "pnl",
                { [unowned self] _ in
                    let (realized, unrealized) = pnl()
                    return [.number(realized + unrealized), .number(realized), .number(unrealized)]
                }
            ),
            (
                "funds",
                { [unowned self] _ in
                    let funds = desk.funds()
                    return [
                        [
                            "available": .number(funds.available), "used": .number(funds.used), "realized": .number(funds.realized),
                            "unrealized": .number(funds.unrealized),
                        ]
                    ]
                }
            ),
            ("quote", { [unowned self] in try quote(LuaArguments("ctx.quote", $0)) }),
            ("bars", { [unowned self] in try bars(LuaArguments("ctx.bars", $0)) }),
            ("now", { [unowned self] _ in [.number(Double(desk.nowNanos) / 1e9)] }),
            ("ist", { [unowned self] in try ist(LuaArguments("ctx.ist", $0)) }),
            (
                "market_open",
                { [unowned self] arguments in
                    let arguments = LuaArguments("ctx.market_open", arguments)
                    let exchange = try arguments.optionalString(0, "exchange")?.uppercased() ?? declaration.symbols.first?.exchange ?? "NSE"
                    return [.boolean(desk.isMarketOpen(exchange))]
                }
            ),
            ("log", { [unowned self] in try logCall(.info, $0) }),
            ("debug", { [unowned self] in try logCall(.debug, $0) }),
            ("warn", { [unowned self] in try logCall(.warn, $0) }),
            ("error", { [unowned self] in try logCall(.error, $0) }),
            ("every", { [unowned self] in try timer(LuaArguments("ctx.every", $0), repeating: true) }),
            ("after", { [unowned self] in try timer(LuaArguments("ctx.after", $0), repeating: false) }),
            (
                "cancel_timer",
                { [unowned self] arguments in
                    let name = try LuaArguments("ctx.cancel_timer", arguments).string(0, "name")
                    return [.boolean(timers.removeValue(forKey: name) != nil)]
                }
            ),
            ("sql", { [unowned self] in try sql(LuaArguments("ctx.sql", $0)) }),
            (
                "stop",
                { [unowned self] arguments in
                    stopRequest = try LuaArguments("ctx.stop", arguments).optionalString(0, "reason") ?? "stopped by the strategy"
                    return []
                }
            ),
        ]
    }

    /// Realized and open P&L of the strategy's book at the desk's last prices.
    func pnl() -> (realized: Double, unrealized: Double) {
        var unrealized = 0.0
        for position in book.open {
            if let price = desk.quote(position.symbol)?.lastPrice, price > 0 { unrealized += position.unrealizedPnL(at: price) }
        }
        return (book.realizedPnL, unrealized)
    }

    func positionTable(_ position: StrategyBook.Position) -> LuaValue {
        let price = desk.quote(position.symbol)?.lastPrice ?? 0
        return [
            "symbol": .string(position.symbol.symbol), "exchange": .string(position.symbol.exchange), "quantity": .integer(position.quantity),
            "average_price": .number(position.averagePrice), "realized": .number(position.realizedPnL),
            "unrealized": .number(price > 0 ? position.unrealizedPnL(at: price) : 0),
            "side": .string(position.quantity > 0 ? "long" : position.quantity < 0 ? "short" : "flat"),
        ]
    }

    private func quote(_ arguments: LuaArguments) throws -> [LuaValue] {
        let symbol = try resolveSymbol(arguments, 0)
        guard let quote = desk.quote(symbol) else { return [.nil] }
        return [
            [
                "symbol": .string(symbol.symbol), "exchange": .string(symbol.exchange), "ltp": .number(quote.lastPrice), "bid": .number(quote.bid),
                "ask": .number(quote.ask), "high": .number(quote.dayHigh), "low": .number(quote.dayLow),
                "time": .number(Double(quote.timestampNanos) / 1e9),
            ]
        ]
    }

    /// `ctx.bars(symbol, [timeframe,] n)`: the last n closed bars, oldest first.
    private func bars(_ arguments: LuaArguments) throws -> [LuaValue] {
        // `ctx.bars(20)` is `ctx.bars(nil, 20)`: a number first means the strategy's only symbol.
        if arguments[0].integerValue != nil, declaration.symbols.count == 1 {
            return try bars(LuaArguments(arguments.function, [.nil] + arguments.values))
        }
        let symbol = try resolveSymbol(arguments, 0)
        var timeframe = declaration.timeframe
        var countIndex = 1
        if case .string(let text) = arguments[1] {
            guard let given = Timeframe(rawValue: text) else {
                throw arguments.fail("timeframe must be one of \(Timeframe.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            timeframe = given
            countIndex = 2
        }
        guard let timeframe else { throw arguments.fail("timeframe is required (the strategy declares none)") }
        let count = arguments.isAbsent(countIndex) ? 100 : try arguments.integer(countIndex, "n", in: 1...10_000)
        let series = seriesFor(symbol, timeframe)
        let rows: [LuaValue] = series.lastBars(Int(count)).map { index in
            [
                "time": .integer(series.times[index]), "open": .number(series.open[index]), "high": .number(series.high[index]),
                "low": .number(series.low[index]), "close": .number(series.close[index]), "volume": .number(series.volume[index]),
            ]
        }
        return [.array(rows)]
    }

    /// `ctx.ist([epoch_seconds])`: the date and time in India, e.g. `{ hour = 9, min = 15, hhmm = 915 }`.
    private func ist(_ arguments: LuaArguments) throws -> [LuaValue] {
        let seconds = arguments.isAbsent(0) ? desk.nowNanos / 1_000_000_000 : Int64(try arguments.number(0, "time"))
        let local = seconds + Int64(TradingCalendar.istOffsetSeconds)
        let date = LocalDate(secondsSinceEpoch: seconds, utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
        let secondOfDay = ((local % 86_400) + 86_400) % 86_400
        let hour = secondOfDay / 3600
        let minute = secondOfDay % 3600 / 60
        return [
            [
                "year": .integer(Int64(date.year)), "month": .integer(Int64(date.month)), "day": .integer(Int64(date.day)),
                "hour": .integer(hour), "min": .integer(minute), "sec": .integer(secondOfDay % 60), "hhmm": .integer(hour * 100 + minute),
                "date": .string(date.description),
            ]
        ]
    }

    private func logCall(_ level: StrategyLogLine.Level, _ values: [LuaValue]) throws -> [LuaValue] {
        log(level, values.map(Self.text).joined(separator: " "))
        return []
    }

    static func text(_ value: LuaValue) -> String {
        switch value {
        case .nil: "nil"
        case .boolean(let flag): String(flag)
        case .integer(let integer): String(integer)
        case .number(let number): String(number)
        case .string(let text): text
        case .bytes(let bytes): String(decoding: bytes, as: UTF8.self)
        case .array, .dictionary: (try? LuaJSON.encode(value)) ?? "table"
        case .function: "function"
        }
    }

    private func timer(_ arguments: LuaArguments, repeating: Bool) throws -> [LuaValue] {
        let seconds = try arguments.number(0, "seconds")
        guard seconds >= (repeating ? 1 : 0), seconds <= 86_400 * 7 else {
            throw arguments.fail("seconds must be from \(repeating ? 1 : 0) to 604800")
        }
        let name = try arguments.optionalString(1, "name") ?? "timer"
        guard timers[name] != nil || timers.count < 100 else { throw arguments.fail("at most 100 timers") }
        let interval = Int64(seconds * 1e9)
        timers[name] = StrategyTimer(dueNanos: desk.nowNanos + interval, intervalNanos: repeating ? interval : nil)
        return [.string(name)]
    }

    private func sql(_ arguments: LuaArguments) throws -> [LuaValue] {
        let query = try arguments.string(0, "query")
        let maxRows = arguments.isAbsent(1) ? 1_000 : Int(try arguments.integer(1, "max_rows", in: 1...10_000))
        let result: QueryResult
        do {
            result = try desk.query(query, maxRows: maxRows)
        } catch {
            throw arguments.fail("\(error)")
        }
        let rows: [LuaValue] = result.rows.map { row in
            var table: [LuaValue: LuaValue] = [:]
            for (column, value) in zip(result.columns, row) {
                switch value {
                case .null: continue
                case .integer(let integer): table[.string(column)] = .integer(integer)
                case .real(let real): table[.string(column)] = .number(real)
                case .text(let text): table[.string(column)] = .string(text)
                case .blob(let bytes): table[.string(column)] = .bytes(bytes)
                }
            }
            return .dictionary(table)
        }
        return [.array(rows)]
    }
}
