import Core
// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import MarketData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A validated `optiongreeks` request: one option contract, priced from the cache.
struct OptionGreeksRequest {
    let option: Instrument
    let underlyingQuote: Quote
    let optionQuote: Quote
    let forward: Double
    let rate: Double
    let years: Double
    let expirySeconds: Int64
    let nowSeconds: Int64

    static let derivativeExchanges: Set<String> = ["NFO", "BFO", "MCX", "CDS", "NCO", "BCD", "NCDEX", "CRYPTO"]

    init(_ body: APIRequestBody, hub: MarketDataHub) throws {
        let symbol = try body.requiredString("symbol", error: APIError.validation).uppercased()
        let exchange = try body.requiredString("exchange", maxLength: 16, error: APIError.validation).uppercased()
        guard Self.derivativeExchanges.contains(exchange) else {
            throw APIError.validation("exchange", "Must be one of: \(Self.derivativeExchanges.sorted().joined(separator: ", ")).")
        }
        let directory = hub.directory
        guard let option = directory.instrument(symbol: symbol, exchange: exchange), option.isOption,
            let expiry = option.expiry, let underlyingName = option.underlying
        else { throw APIError.validation("symbol", "\(symbol) is not a listed option on \(exchange).") }
        rate = (try body.optionalDouble("interest_rate", in: 0...100, error: APIError.validation) ?? 0) / 100
        let expiryTime =
            try body.optionalString("expiry_time", maxLength: 5, error: APIError.validation).map { text in
                guard let time = TimeOfDay(text), time.minutes < 1440 else {
                    throw APIError.validation("expiry_time", "Not a valid time: use HH:MM.")
                }
                return time
            } ?? OptionClock.settlementTime

        let underlying: Instrument?
        if let name = try body.optionalString("underlying_symbol", error: APIError.validation) {
            let underlyingExchange = try body.optionalString("underlying_exchange", maxLength: 16, error: APIError.validation) ?? "NSE_INDEX"
            guard let found = directory.instrument(symbol: name, exchange: underlyingExchange) else {
                throw APIError.validation("underlying_symbol", "Unknown symbol \(name.uppercased()) on \(underlyingExchange.uppercased()).")
            }
            underlying = found
        } else {
            underlying = directory.spot(ofUnderlying: underlyingName, derivativeExchange: option.exchange)
        }
        guard let underlying, let underlyingQuote = hub.quote(instrumentID: underlying.id) else {
            throw APIError(.serviceUnavailable, message: "No price for the underlying of \(symbol) yet")
        }
        guard let optionQuote = hub.quote(instrumentID: option.id) else {
            throw APIError(.serviceUnavailable, message: "No price for \(symbol) yet")
        }
        nowSeconds = hub.clock.nowSeconds()
        expirySeconds = OptionClock.expiryEpochSeconds(expiry, at: expiryTime)
        years = OptionClock.yearsToExpiry(nowEpochSeconds: nowSeconds, expiryEpochSeconds: expirySeconds)
        if let given = try body.optionalDouble("forward_price", in: 0.000001...1e12, error: APIError.validation) {
            forward = given
        } else if let future = directory.futures(underlying: underlyingName, exchange: option.exchange).first(where: { $0.expiry == expiry }),
            let futureQuote = hub.quote(instrumentID: future.id)
        {
            forward = futureQuote.lastPrice
        } else {
            forward = underlyingQuote.lastPrice * exp(rate * years)
        }
        self.option = option
        self.underlyingQuote = underlyingQuote
        self.optionQuote = optionQuote
    }

    func response() -> JSONValue {
        let kind: OptionKind = option.type == .call ? .call : .put
        let analytics = OptionSeries.analytics(
            kind: kind, price: optionQuote.lastPrice, forward: forward, strike: option.strike ?? 0, years: years, rate: rate)
        let greeks = analytics.greeks
        return .object([
            "status": .string("success"), "symbol": .string(option.symbol), "exchange": .string(option.exchange.rawValue),
            "underlying": .string(option.underlying ?? ""), "strike": .number(option.strike ?? 0), "option_type": .string(option.type.rawValue),
            "expiry_date": .string(option.expiry?.masterForm ?? ""), "days_to_expiry": .number(rounded(years * 365, 4)),
            "spot_price": .number(underlyingQuote.lastPrice), "forward_price": .number(rounded(forward, 2)),
            "option_price": .number(optionQuote.lastPrice), "interest_rate": .number(rate * 100),
            "implied_volatility": .number(analytics.volatilityPercent),
            "greeks": .object([
                "delta": .number(rounded(greeks.delta, 4)), "gamma": .number(rounded(greeks.gamma, 6)), "theta": .number(rounded(greeks.theta, 4)),
                "vega": .number(rounded(greeks.vega, 4)), "rho": .number(rounded(greeks.rho, 4)),
            ]),
        ])
    }
}
