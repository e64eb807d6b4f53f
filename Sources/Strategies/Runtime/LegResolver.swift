// SPDX-License-Identifier: Apache-2.0
public import Core

/// Picks the contract a declared leg means today: the expiry by rule, the strike relative to the
/// underlying's price, from the instrument master. Pure: the caller supplies the listed contracts
/// and the prices, so the same inputs always give the same contract (live and in a backtest).
public struct LegResolver: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The trading date the leg is entered on (IST).
    public var today: LocalDate

    public init(today: LocalDate) {
        self.today = today
    }

    /// The contract for `leg`.
    /// - Parameters:
    ///   - contracts: The listed derivatives of the leg's underlying on its exchange.
    ///   - spot: The underlying's last price (needed for relative strikes).
    ///   - premium: An option's last price (needed for `{ premium = n }` strikes).
    /// - Throws: ``Failure`` saying what is missing.
    public func resolve(
        _ leg: StrategyLeg, contracts: [Instrument], spot: Double?, premium: (Instrument) -> Double?
    ) throws -> Instrument {
        let wanted: InstrumentType = leg.kind == .future ? .future : (leg.optionType ?? .call)
        let live = contracts.filter { $0.type == wanted && ($0.expiry.map { $0 >= today } ?? false) }
        let expiries = Array(Set(live.compactMap(\.expiry))).sorted()
        guard let expiry = pick(leg.expiry ?? .currentMonth, from: expiries) else {
            throw Failure(description: "leg \(leg.name): no \(wanted.rawValue) of \(leg.underlying) on \(leg.exchange) expires on or after \(today)")
        }
        let series = live.filter { $0.expiry == expiry }
        if leg.kind == .future {
            guard let future = series.first else { throw Failure(description: "leg \(leg.name): no future for \(expiry)") }
            return future
        }
        let byStrike = series.filter { $0.strike != nil }.sorted { ($0.strike ?? 0) < ($1.strike ?? 0) }
        guard !byStrike.isEmpty else { throw Failure(description: "leg \(leg.name): no strikes listed for \(expiry)") }
        switch leg.strike ?? .relative(0) {
        case .price(let price):
            guard let match = byStrike.first(where: { abs(($0.strike ?? 0) - price) < 1e-6 }) else {
                throw Failure(description: "leg \(leg.name): strike \(price) is not listed for \(expiry)")
            }
            return match
        case .premium(let target):
            let priced = byStrike.compactMap { option in premium(option).map { (option, abs($0 - target)) } }
            guard let best = priced.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && ($0.0.strike ?? 0) < ($1.0.strike ?? 0)) }) else {
                throw Failure(description: "leg \(leg.name): no option of \(expiry) has a price to compare with the premium \(target)")
            }
            return best.0
        case .relative(let steps):
            guard let spot, spot > 0 else { throw Failure(description: "leg \(leg.name): no price for \(leg.underlying) to find the ATM strike") }
            // Ties go to the lower strike, so the choice never depends on the order of the master.
            var atm = 0
            for index in byStrike.indices where abs((byStrike[index].strike ?? 0) - spot) < abs((byStrike[atm].strike ?? 0) - spot) { atm = index }
            // In the money is a lower strike for a call, a higher one for a put.
            let index = wanted == .call ? atm - steps : atm + steps
            guard byStrike.indices.contains(index) else {
                throw Failure(description: "leg \(leg.name): \(steps > 0 ? "ITM\(steps)" : "OTM\(-steps)") is past the listed strikes of \(expiry)")
            }
            return byStrike[index]
        }
    }

    /// current_week: the nearest expiry; next_week: the one after; current_month: the last expiry
    /// in the nearest expiry's month; next_month: the last expiry of the month after it.
    func pick(_ rule: StrategyLeg.Expiry, from expiries: [LocalDate]) -> LocalDate? {
        guard let nearest = expiries.first else { return nil }
        switch rule {
        case .currentWeek: return nearest
        case .nextWeek: return expiries.count > 1 ? expiries[1] : nil
        case .currentMonth:
            return expiries.last { $0.year == nearest.year && $0.month == nearest.month }
        case .nextMonth:
            guard let later = expiries.first(where: { $0.year * 12 + $0.month > nearest.year * 12 + nearest.month }) else { return nil }
            return expiries.last { $0.year == later.year && $0.month == later.month }
        }
    }
}
