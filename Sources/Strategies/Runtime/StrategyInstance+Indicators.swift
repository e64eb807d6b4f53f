// SPDX-License-Identifier: Apache-2.0
import Core
import Indicators
import LuaBridge

/// The indicators of `ctx`, computed by the `Indicators` module (TA-Lib exact) over the closed bars
/// of the strategy's timeframe. A one-line indicator returns its latest value and the one before
/// (nil while it is still warming up), so a cross is `ctx.crossover(fast, fast_prev, slow, slow_prev)`;
/// a multi-line one (MACD, Bollinger Bands, stochastic, Supertrend) returns the latest value of each line.
extension StrategyInstance {
    func indicatorFunctions() -> [(String, LuaFunction)] {
        [
            ("sma", { [unowned self] in try single("sma", $0) { try TA.sma(Self.source($1, $0), period: $2[0]) } }),
            ("ema", { [unowned self] in try single("ema", $0) { try TA.ema(Self.source($1, $0), period: $2[0]) } }),
            ("wma", { [unowned self] in try single("wma", $0) { try TA.wma(Self.source($1, $0), period: $2[0]) } }),
            ("rsi", { [unowned self] in try single("rsi", $0, defaults: [14]) { try TA.rsi(Self.source($1, $0), period: $2[0]) } }),
            (
                "atr",
                { [unowned self] in
                    try single("atr", $0, defaults: [14]) { s, _, p in try TA.atr(high: s.high, low: s.low, close: s.close, period: p[0]) }
                }
            ),
            (
                "adx",
                { [unowned self] in
                    try single("adx", $0, defaults: [14]) { s, _, p in try TA.adx(high: s.high, low: s.low, close: s.close, period: p[0]) }
                }
            ),
            (
                "vwap",
                { [unowned self] in
                    try single("vwap", $0, defaults: []) { s, _, _ in
                        try TA.vwap(high: s.high, low: s.low, close: s.close, volume: s.volume, sessions: TA.tradingDays(epochSeconds: s.times))
                    }
                }
            ),
            (
                "macd",
                { [unowned self] in
                    try multiple("macd", $0, defaults: [12, 26, 9]) { s, source, p in
                        let result = try TA.macd(Self.source(source, s), fastPeriod: p[0], slowPeriod: p[1], signalPeriod: p[2])
                        return [result.macd, result.signal, result.histogram]
                    }
                }
            ),
            (
                "bbands",
                { [unowned self] in
                    try multiple("bbands", $0, defaults: [20, 2], multipliers: [1]) { s, source, p in
                        let result = try TA.bbands(Self.source(source, s), period: Int(p[0]), deviationsUp: p[1], deviationsDown: p[1])
                        return [result.upper, result.middle, result.lower]
                    }
                }
            ),
            (
                "stoch",
                { [unowned self] in
                    try multiple("stoch", $0, defaults: [14, 3, 3]) { s, _, p in
                        let result = try TA.stoch(high: s.high, low: s.low, close: s.close, fastKPeriod: p[0], slowKPeriod: p[1], slowDPeriod: p[2])
                        return [result.k, result.d]
                    }
                }
            ),
            (
                "supertrend",
                { [unowned self] in
                    try multiple("supertrend", $0, defaults: [10, 3], multipliers: [1]) { s, _, p in
                        let result = try TA.supertrend(high: s.high, low: s.low, close: s.close, period: Int(p[0]), multiplier: p[1])
                        return [result.trend, result.direction]
                    }
                }
            ),
        ]
    }

    /// Which price an indicator reads: `"close"` (default), `"open"`, `"high"`, `"low"`, `"volume"`.
    enum Source: String {
        case close, open, high, low, volume
    }

    static func source(_ source: Source, _ series: BarSeries) -> [Double] {
        switch source {
        case .close: series.close
        case .open: series.open
        case .high: series.high
        case .low: series.low
        case .volume: series.volume
        }
    }

    /// `ctx.NAME([symbol,] period… [, source])` for a one-line indicator: latest, previous.
    private func single(
        _ name: String, _ values: [LuaValue], defaults: [Int]? = nil, compute: (BarSeries, Source, [Int]) throws -> [Double]
    ) throws -> [LuaValue] {
        try multiple(name, values, defaults: (defaults ?? []).map(Double.init), multipliers: [], required: defaults == nil ? 1 : 0) {
            series, source, numbers in
            [try compute(series, source, numbers.map { Int($0) })]
        }
    }

    private func multiple(
        _ name: String, _ values: [LuaValue], defaults: [Int], compute: (BarSeries, Source, [Int]) throws -> [[Double]]
    ) throws -> [LuaValue] {
        try multiple(name, values, defaults: defaults.map(Double.init), multipliers: []) { series, source, numbers in
            try compute(series, source, numbers.map { Int($0) })
        }
    }

    /// Reads `[symbol,] numbers… [, source]`, looks the outputs up in the cache, and returns the
    /// latest value of each output line; a single-line indicator also returns its previous value.
    private func multiple(
        _ name: String, _ values: [LuaValue], defaults: [Double], multipliers: Set<Int>, required: Int = 0,
        compute: (BarSeries, Source, [Double]) throws -> [[Double]]
    ) throws -> [LuaValue] {
        let arguments = LuaArguments("ctx.\(name)", values)
        var index = 0
        var symbol: StrategySymbol?
        if case .string = arguments[0] {
            symbol = try resolveSymbol(arguments, 0)
            index = 1
        } else if declaration.symbols.count != 1 {
            symbol = try resolveSymbol(LuaArguments(arguments.function, []), 0)
        }
        var numbers: [Double] = []
        let count = max(defaults.count, required)
        for position in 0..<count {
            let value = arguments[index]
            if case .string = value {
                // The source came early: the periods left take their defaults, if they have any.
                guard position < defaults.count else { throw arguments.fail("period is required before the source") }
                break
            }
            if value == .nil {
                guard position < defaults.count else { throw arguments.fail("period is required") }
                numbers.append(defaults[position])
            } else if multipliers.contains(position) {
                numbers.append(try arguments.number(index, "multiplier"))
            } else {
                numbers.append(Double(try arguments.integer(index, "period", in: 1...Int64(TA.maxPeriod))))
            }
            index += 1
        }
        while numbers.count < defaults.count { numbers.append(defaults[numbers.count]) }
        var source = Source.close
        if let text = try arguments.optionalString(index, "source") {
            guard let given = Source(rawValue: text) else { throw arguments.fail("source must be close, open, high, low or volume") }
            source = given
        }
        guard let timeframe = declaration.timeframe else { throw arguments.fail("indicators need the strategy's timeframe") }
        let series = symbol.map { seriesFor($0, timeframe) } ?? defaultSeries ?? seriesFor(declaration.symbols[0], timeframe)
        let key = IndicatorCache.Key(
            series: series.id, name: name, source: source.rawValue, first: numbers.first ?? 0, second: numbers.count > 1 ? numbers[1] : 0,
            third: numbers.count > 2 ? numbers[2] : 0)
        let outputs: [[Double]]
        do {
            outputs = try indicators.outputs(for: key, series: series) { try compute($0, source, numbers) }
        } catch let error as IndicatorError {
            throw arguments.fail(error.description)
        }
        let last = series.visibleCount - 1
        func value(_ line: [Double], _ at: Int) -> LuaValue {
            guard at >= 0, at < line.count, line[at].isFinite else { return .nil }
            return .number(line[at])
        }
        if outputs.count == 1 { return [value(outputs[0], last), value(outputs[0], last - 1)] }
        return outputs.map { value($0, last) }
    }
}
