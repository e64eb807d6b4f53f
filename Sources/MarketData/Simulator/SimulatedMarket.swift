// SPDX-License-Identifier: Apache-2.0
public import Core

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The built-in market: a seeded price process per cash instrument (equities and indices, a
/// geometric Brownian motion at the instrument's seeded volatility), futures at fair basis and
/// options priced by Black-76 on that forward with a volatility smile, so the simulated chain is
/// arbitrage-free (put–call parity holds up to tick rounding).
///
/// Pure and deterministic: `step(nowNanos:)` with the same seed, prices and times yields the same
/// ticks, which is what makes a simulated session reproducible in tests and backtests.
public struct SimulatedMarket: Sendable {
    public struct Configuration: Sendable {
        public var seed: UInt64 = 20_261_121
        /// The time one step represents on the price process.
        public var stepSeconds: Double = 1
        /// Unwatched options tick every this many steps (watched ones every step), which keeps a
        /// quiet default server from storing every strike of every expiry every second.
        public var optionEveryNthStep = 5
        /// Publish outside the trading calendar's sessions.
        public var alwaysOpen = false
        /// The risk-free rate for the futures basis and option prices.
        public var riskFreeRate = 0.065
        /// Skew and curvature of the volatility smile around each underlying's volatility.
        public var smileSkew = -0.10
        public var smileCurvature = 0.20

        public init() {}
    }

    /// The simulator's starting point for a cash instrument.
    public struct Seed: Sendable {
        public var instrument: Instrument
        public var price: Double
        public var annualVolatility: Double

        public init(instrument: Instrument, price: Double, annualVolatility: Double) {
            self.instrument = instrument
            self.price = price
            self.annualVolatility = annualVolatility
        }
    }

    struct Derivative: Sendable {
        var instrument: Instrument
        var expirySeconds: Int64
        var openInterest: Int64
        var volume: Int64 = 0
        var previousClose: Double = 0
        var lastPrice: Double = 0
    }

    struct Spot: Sendable {
        var instrument: Instrument
        var price: Double
        var volatility: Double
        var generator: SeededGenerator
        var volume: Int64 = 0
        var previousClose: Double
        var tradingDate: LocalDate?
        var derivatives: [Derivative]
    }

    /// Trading seconds in a year: 252 sessions of 6¼ hours. Volatility is quoted per trading year.
    static let tradingSecondsPerYear = 252.0 * 6.25 * 3600
    static let secondsPerYear = 365.0 * 86_400

    public let configuration: Configuration
    let calendar: TradingCalendar
    private(set) var spots: [Spot]
    private var stepCount: Int64 = 0

    /// - Parameter quotes: the hub's quotes rebuilt from today's stored ticks after a restart. The
    ///   market continues from them (price, the day's cumulative volume, open interest, previous
    ///   close) so a restart neither moves prices back nor restarts the day's volume.
    public init(
        seeds: [Seed], directory: InstrumentDirectory, calendar: TradingCalendar, configuration: Configuration = Configuration(),
        resumingFrom quotes: [Int64: Quote] = [:]
    ) {
        self.configuration = configuration
        self.calendar = calendar
        spots = seeds.sorted { $0.instrument.id < $1.instrument.id }.map { seed in
            var generator = SeededGenerator(seed: configuration.seed, key: seed.instrument.key)
            let derivatives = directory.derivatives(ofSpot: seed.instrument).sorted { $0.id < $1.id }.map { instrument in
                var derivative = Derivative(
                    instrument: instrument, expirySeconds: Self.expirySeconds(instrument.expiry),
                    openInterest: instrument.lotSize * Int64.random(in: 1_000...50_000, using: &generator))
                if let quote = quotes[instrument.id] {
                    derivative.lastPrice = quote.lastPrice
                    derivative.volume = quote.tick.volume
                    derivative.previousClose = quote.previousClose
                    if quote.tick.openInterest > 0 { derivative.openInterest = quote.tick.openInterest }
                }
                return derivative
            }
            let price = seed.instrument.roundedToTick(seed.price)
            var spot = Spot(
                instrument: seed.instrument, price: price, volatility: seed.annualVolatility, generator: generator, previousClose: price,
                derivatives: derivatives)
            if let quote = quotes[seed.instrument.id] {
                spot.price = quote.lastPrice
                spot.volume = quote.tick.volume
                spot.tradingDate = quote.tradingDate
                if quote.previousClose > 0 { spot.previousClose = quote.previousClose }
            }
            return spot
        }
    }

    /// Contracts expire at 15:30 IST on their expiry date.
    static func expirySeconds(_ expiry: LocalDate?) -> Int64 {
        guard let expiry else { return 0 }
        return OptionClock.expiryEpochSeconds(expiry)
    }

    /// The number of cash instruments and derivatives simulated.
    public var instrumentCount: Int { spots.reduce(0) { $0 + 1 + $1.derivatives.count } }

    /// Advances every open market one step and returns its ticks. `watched` instruments (someone
    /// subscribed) tick every step; other options every ``Configuration/optionEveryNthStep``.
    public mutating func step(nowNanos: Int64, watched: Set<Int64> = []) -> [Tick] {
        stepCount += 1
        let nowSeconds = nowNanos / 1_000_000_000
        let date = LocalDate(secondsSinceEpoch: nowSeconds, utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
        let everyOption = configuration.optionEveryNthStep <= 1 || stepCount % Int64(configuration.optionEveryNthStep) == 1
        var ticks: [Tick] = []
        ticks.reserveCapacity(spots.count * 4)
        for index in spots.indices {
            let exchange = spots[index].instrument.exchange
            guard configuration.alwaysOpen || calendar.isOpen(atSecondsSinceEpoch: nowSeconds, exchange: exchange) else { continue }
            Self.advance(&spots[index], to: date, configuration: configuration)
            ticks.append(Self.tick(for: &spots[index], nowNanos: nowNanos))
            for slot in spots[index].derivatives.indices {
                let derivative = spots[index].derivatives[slot]
                guard derivative.expirySeconds > nowSeconds else { continue }
                if derivative.instrument.isOption, !everyOption, !watched.contains(derivative.instrument.id) { continue }
                guard configuration.alwaysOpen || calendar.isOpen(atSecondsSinceEpoch: nowSeconds, exchange: derivative.instrument.exchange)
                else { continue }
                ticks.append(Self.tick(forDerivative: slot, of: &spots[index], nowNanos: nowNanos, configuration: configuration))
            }
        }
        return ticks
    }

    /// Ticks at the current prices without moving the market or looking at the calendar: what the
    /// hub's quote cache starts from, so a quote exists before the first session tick.
    public mutating func snapshot(nowNanos: Int64) -> [Tick] {
        var ticks: [Tick] = []
        for index in spots.indices {
            var tick = Tick(
                instrumentID: spots[index].instrument.id, timestampNanos: nowNanos, lastPrice: spots[index].price,
                previousClose: spots[index].previousClose)
            if spots[index].instrument.type != .index {
                Self.addBook(to: &tick, instrument: spots[index].instrument, generator: &spots[index].generator)
            }
            ticks.append(tick)
            for slot in spots[index].derivatives.indices where spots[index].derivatives[slot].expirySeconds > nowNanos / 1_000_000_000 {
                // Priced like a step, but nothing traded: the day's volume and open interest stay.
                let before = spots[index].derivatives[slot]
                var derivativeTick = Self.tick(forDerivative: slot, of: &spots[index], nowNanos: nowNanos, configuration: configuration)
                spots[index].derivatives[slot].volume = before.volume
                spots[index].derivatives[slot].openInterest = before.openInterest
                derivativeTick.lastQuantity = 0
                derivativeTick.volume = before.volume
                derivativeTick.openInterest = before.openInterest
                ticks.append(derivativeTick)
            }
        }
        return ticks
    }

    /// One step of the geometric Brownian motion, zero drift, rounded to the tick size.
    private static func advance(_ spot: inout Spot, to date: LocalDate, configuration: Configuration) {
        if spot.tradingDate != date {
            if spot.tradingDate != nil {
                spot.previousClose = spot.price
                for slot in spot.derivatives.indices where spot.derivatives[slot].lastPrice > 0 {
                    spot.derivatives[slot].previousClose = spot.derivatives[slot].lastPrice
                    spot.derivatives[slot].volume = 0
                }
            }
            spot.tradingDate = date
            spot.volume = 0
        }
        let dt = configuration.stepSeconds / tradingSecondsPerYear
        let sigma = spot.volatility
        let shock = spot.generator.nextGaussian()
        let next = spot.price * exp(-0.5 * sigma * sigma * dt + sigma * dt.squareRoot() * shock)
        spot.price = spot.instrument.roundedToTick(next)
    }

    private static func tick(for spot: inout Spot, nowNanos: Int64) -> Tick {
        let instrument = spot.instrument
        // Indices do not trade: no quantity, volume or book.
        guard instrument.type != .index else {
            return Tick(instrumentID: instrument.id, timestampNanos: nowNanos, lastPrice: spot.price, previousClose: spot.previousClose)
        }
        let quantity = Int64.random(in: 1...200, using: &spot.generator) * instrument.lotSize
        spot.volume += quantity
        var tick = Tick(
            instrumentID: instrument.id, timestampNanos: nowNanos, lastPrice: spot.price, lastQuantity: quantity, volume: spot.volume,
            previousClose: spot.previousClose)
        addBook(to: &tick, instrument: instrument, generator: &spot.generator)
        return tick
    }

    private static func tick(forDerivative slot: Int, of spot: inout Spot, nowNanos: Int64, configuration: Configuration) -> Tick {
        let nowSeconds = nowNanos / 1_000_000_000
        let derivative = spot.derivatives[slot]
        let instrument = derivative.instrument
        let years = Double(max(derivative.expirySeconds - nowSeconds, 60)) / secondsPerYear
        let forward = spot.price * exp(configuration.riskFreeRate * years)
        let price: Double
        switch instrument.type {
        case .call, .put:
            let strike = instrument.strike ?? forward
            let smile = VolatilitySmile(atmVolatility: spot.volatility, skew: configuration.smileSkew, curvature: configuration.smileCurvature)
            let sigma = smile.volatility(strike: strike, forward: forward, timeToExpiry: years)
            price = Black76.price(
                kind: instrument.type == .call ? .call : .put, forward: forward, strike: strike, timeToExpiry: years, volatility: sigma,
                rate: configuration.riskFreeRate)
        default:
            price = forward
        }
        let quantity = Int64.random(in: 1...40, using: &spot.generator) * instrument.lotSize
        let oiChange = Int64.random(in: -5...5, using: &spot.generator) * instrument.lotSize
        var updated = derivative
        updated.lastPrice = instrument.roundedToTick(price)
        updated.volume += quantity
        updated.openInterest = max(instrument.lotSize, updated.openInterest + oiChange)
        if updated.previousClose == 0 { updated.previousClose = updated.lastPrice }
        spot.derivatives[slot] = updated
        var tick = Tick(
            instrumentID: instrument.id, timestampNanos: nowNanos, lastPrice: updated.lastPrice, lastQuantity: quantity,
            volume: updated.volume, openInterest: updated.openInterest, previousClose: updated.previousClose)
        addBook(to: &tick, instrument: instrument, generator: &spot.generator)
        return tick
    }

    /// A five-level book around the last price: a spread of about two basis points (at least a
    /// tick), levels a tick apart, random sizes in lots. The bid never reaches zero.
    private static func addBook(to tick: inout Tick, instrument: Instrument, generator: inout SeededGenerator) {
        let tickSize = instrument.tickSize
        let halfSpreadTicks = max(1, (tick.lastPrice * 0.0001 / tickSize).rounded())
        let bestBid = max(tickSize, instrument.roundedToTick(tick.lastPrice - halfSpreadTicks * tickSize))
        let bestAsk = instrument.roundedToTick(tick.lastPrice + halfSpreadTicks * tickSize)
        var bids: [DepthLevel] = []
        var asks: [DepthLevel] = []
        bids.reserveCapacity(5)
        asks.reserveCapacity(5)
        for level in 0..<5 {
            let bidPrice = bestBid - Double(level) * tickSize
            if bidPrice >= tickSize {
                bids.append(
                    DepthLevel(
                        price: instrument.roundedToTick(bidPrice), quantity: Int64.random(in: 1...50, using: &generator) * instrument.lotSize,
                        orders: Int64.random(in: 1...20, using: &generator)))
            }
            asks.append(
                DepthLevel(
                    price: instrument.roundedToTick(bestAsk + Double(level) * tickSize),
                    quantity: Int64.random(in: 1...50, using: &generator) * instrument.lotSize, orders: Int64.random(in: 1...20, using: &generator)))
        }
        tick.bid = bids.first?.price ?? 0
        tick.bidQuantity = bids.first?.quantity ?? 0
        tick.ask = asks[0].price
        tick.askQuantity = asks[0].quantity
        tick.depth = MarketDepth(bids: bids, asks: asks)
    }
}
