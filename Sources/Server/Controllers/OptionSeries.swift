import Core
// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import MarketData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One underlying's options of one expiry, with the live prices the chain endpoints need.
struct OptionSeries {
    let underlying: String
    let optionsExchange: ExchangeCode
    let expiry: LocalDate
    let strikes: [InstrumentDirectory.ChainStrike]
    let underlyingQuote: Quote?
    let hub: MarketDataHub
    let nowSeconds: Int64

    var expirySeconds: Int64 { OptionClock.expiryEpochSeconds(expiry) }

    var yearsToExpiry: Double { OptionClock.yearsToExpiry(nowEpochSeconds: nowSeconds, expiryEpochSeconds: expirySeconds) }

    init(_ body: APIRequestBody, directory: InstrumentDirectory, hub: MarketDataHub, expiryRequired: Bool) throws {
        let underlying = try body.requiredString("underlying", error: APIError.validation)
        let exchange = try body.requiredString("exchange", maxLength: 16, error: APIError.validation)
        let expiryDate =
            expiryRequired
            ? try body.requiredString("expiry_date", maxLength: 9, error: APIError.validation)
            : try body.optionalString("expiry_date", maxLength: 9, error: APIError.validation)
        let chain = try ListedOptionChain(underlying: underlying, exchange: exchange, expiryDate: expiryDate, directory: directory)
        self.underlying = chain.underlying
        optionsExchange = chain.optionsExchange
        expiry = chain.expiry
        strikes = chain.strikes
        underlyingQuote = chain.priceSource(in: directory).flatMap { hub.quote(instrumentID: $0.id) }
        self.hub = hub
        nowSeconds = hub.clock.nowSeconds()
    }

    /// The strike nearest the underlying's last price (nil without a price: never guess an ATM from 0).
    var atmIndex: Int? {
        guard let price = underlyingQuote?.lastPrice, price > 0, !strikes.isEmpty else { return nil }
        return strikes.indices.min { abs(strikes[$0].strike - price) < abs(strikes[$1].strike - price) }
    }

    /// The forward for Black-76: the same-expiry future when it is quoted, else put–call parity at
    /// the ATM strike, else the spot carried at `rate`.
    func forward(rate: Double) -> Double? {
        let years = yearsToExpiry
        if let future = hub.directory.futures(underlying: underlying, exchange: optionsExchange).first(where: { $0.expiry == expiry }),
            let quote = hub.quote(instrumentID: future.id)
        {
            return quote.lastPrice
        }
        if let atm = atmIndex, let call = strikes[atm].call.flatMap({ hub.quote(instrumentID: $0.id) }),
            let put = strikes[atm].put.flatMap({ hub.quote(instrumentID: $0.id) })
        {
            return strikes[atm].strike + exp(rate * years) * (call.lastPrice - put.lastPrice)
        }
        return underlyingQuote.map { $0.lastPrice * exp(rate * years) }
    }

    func chainResponse(strikeCount: Int?, withGreeks: Bool, rate: Double) -> JSONValue {
        let atm = atmIndex
        var range = strikes.indices
        if let count = strikeCount, let atm {
            range = max(0, atm - count)..<min(strikes.count, atm + count + 1)
        }
        let forward = forward(rate: rate)
        let rows: [JSONValue] = range.map { index in
            let row = strikes[index]
            func leg(_ instrument: Instrument?, kind: OptionKind) -> JSONValue {
                guard let instrument else { return .null }
                return legJSON(instrument, kind: kind, label: label(index, atm: atm, kind: kind), forward: withGreeks ? forward : nil, rate: rate)
            }
            return .object(["strike": .number(row.strike), "ce": leg(row.call, kind: .call), "pe": leg(row.put, kind: .put)])
        }
        return .object([
            "status": .string("success"), "underlying": .string(underlying),
            "underlying_ltp": .number(underlyingQuote?.lastPrice ?? 0), "underlying_prev_close": .number(underlyingQuote?.previousClose ?? 0),
            "expiry_date": .string(expiry.symbolForm), "expiry_ts": .integer(expirySeconds), "server_ts": .integer(nowSeconds),
            "atm_strike": atm.map { .number(strikes[$0].strike) } ?? .null, "quotes_included": .bool(true),
            "greeks_included": .bool(withGreeks), "forward_price": forward.map { .number(rounded($0, 2)) } ?? .null,
            "chain": .array(rows),
        ])
    }

    private func label(_ index: Int, atm: Int?, kind: OptionKind) -> String {
        guard let atm else { return "" }
        if index == atm { return "ATM" }
        let distance = abs(index - atm)
        let inTheMoney = (index < atm) == (kind == .call)
        return (inTheMoney ? "ITM" : "OTM") + String(distance)
    }

    private func legJSON(_ instrument: Instrument, kind: OptionKind, label: String, forward: Double?, rate: Double) -> JSONValue {
        let quote = hub.quote(instrumentID: instrument.id)
        let tick = quote?.tick
        var leg: [String: JSONValue] = [
            "symbol": .string(instrument.symbol), "label": .string(label), "ltp": .number(tick?.lastPrice ?? 0),
            "bid": .number(tick?.bid ?? 0), "ask": .number(tick?.ask ?? 0), "bid_qty": .integer(tick?.bidQuantity ?? 0),
            "ask_qty": .integer(tick?.askQuantity ?? 0), "open": .number(quote?.open ?? 0), "high": .number(quote?.high ?? 0),
            "low": .number(quote?.low ?? 0), "prev_close": .number(quote?.previousClose ?? 0), "volume": .integer(tick?.volume ?? 0),
            "oi": .integer(tick?.openInterest ?? 0), "lotsize": .integer(instrument.lotSize), "tick_size": .number(instrument.tickSize),
        ]
        if let forward {
            let analytics = Self.analytics(
                kind: kind, price: tick?.lastPrice ?? 0, forward: forward, strike: instrument.strike ?? 0, years: yearsToExpiry, rate: rate)
            leg["implied_volatility"] = .number(analytics.volatilityPercent)
            leg["delta"] = .number(rounded(analytics.greeks.delta, 4))
            leg["gamma"] = .number(rounded(analytics.greeks.gamma, 6))
            leg["theta"] = .number(rounded(analytics.greeks.theta, 4))
            leg["vega"] = .number(rounded(analytics.greeks.vega, 4))
        }
        return .object(leg)
    }

    /// Implied volatility (percent) and greeks from a price; zeros when no volatility explains it.
    static func analytics(kind: OptionKind, price: Double, forward: Double, strike: Double, years: Double, rate: Double)
        -> (volatilityPercent: Double, greeks: OptionGreeks)
    {
        guard let sigma = ImpliedVolatility.black76(kind: kind, price: price, forward: forward, strike: strike, timeToExpiry: years, rate: rate)
        else { return (0, OptionGreeks(delta: 0, gamma: 0, theta: 0, vega: 0, rho: 0)) }
        let greeks = Black76.greeks(kind: kind, forward: forward, strike: strike, timeToExpiry: years, volatility: sigma, rate: rate)
        return (rounded(sigma * 100, 2), greeks)
    }

    func syntheticFutureResponse() throws -> JSONValue {
        guard let atm = atmIndex else {
            throw APIError(.serviceUnavailable, message: "No price for \(underlying) yet: the feed has not sent a tick for it")
        }
        let row = strikes[atm]
        guard let call = row.call.flatMap({ hub.quote(instrumentID: $0.id) }), let put = row.put.flatMap({ hub.quote(instrumentID: $0.id) })
        else {
            throw APIError(.serviceUnavailable, message: "No prices yet for the \(underlying) \(row.strike) options of \(expiry.symbolForm)")
        }
        return .object([
            "status": .string("success"), "underlying": .string(underlying), "underlying_ltp": .number(underlyingQuote?.lastPrice ?? 0),
            "expiry": .string(expiry.symbolForm), "atm_strike": .number(row.strike),
            "synthetic_future_price": .number(rounded(row.strike + call.lastPrice - put.lastPrice, 2)),
        ])
    }
}

func rounded(_ value: Double, _ decimals: Int) -> Double {
    let scale = pow(10, Double(decimals))
    return (value * scale).rounded() / scale
}
