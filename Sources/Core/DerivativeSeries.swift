// SPDX-License-Identifier: Apache-2.0

/// The listing rules of an underlying's futures and options, and the contracts they produce on a
/// given day. Pure: the expiry dates depend only on the date, the rules and the trading calendar.
public struct DerivativeSeries: Sendable, Hashable {
    public let underlying: String
    public let exchange: ExchangeCode
    public let lotSize: Int
    public let tickSize: Double
    public let freezeQuantity: Int?
    public let strikeStep: Double
    public let strikesEachSide: Int
    /// ISO weekday of the expiry (2 = Tuesday for NSE since September 2025).
    public let expiryWeekday: Int
    public let weeklyExpiries: Int
    public let monthlyExpiries: Int
    public let futureExpiries: Int

    public init(
        underlying: String, exchange: ExchangeCode, lotSize: Int, tickSize: Double, freezeQuantity: Int?,
        strikeStep: Double, strikesEachSide: Int, expiryWeekday: Int, weeklyExpiries: Int,
        monthlyExpiries: Int, futureExpiries: Int
    ) {
        self.underlying = underlying
        self.exchange = exchange
        self.lotSize = lotSize
        self.tickSize = tickSize
        self.freezeQuantity = freezeQuantity
        self.strikeStep = strikeStep
        self.strikesEachSide = strikesEachSide
        self.expiryWeekday = expiryWeekday
        self.weeklyExpiries = weeklyExpiries
        self.monthlyExpiries = monthlyExpiries
        self.futureExpiries = futureExpiries
    }

    /// The next `count` weekly expiries on or after `date`. An expiry that falls on a holiday moves
    /// to the previous regular trading day (and is dropped if that day is already past); a
    /// special session on the holiday (Muhurat trading) does not keep the expiry there.
    public func weeklyExpiries(onOrAfter date: LocalDate, calendar: TradingCalendar) -> [LocalDate] {
        guard weeklyExpiries > 0 else { return [] }
        let firstCandidate = date.adding(days: (expiryWeekday - date.isoWeekday + 7) % 7)
        return (0..<(weeklyExpiries + 2)).compactMap { week in
            adjusted(firstCandidate.adding(days: 7 * week), calendar: calendar)
        }
        .filter { $0 >= date }
        .prefix(weeklyExpiries)
        .map { $0 }
    }

    /// The next `count` monthly expiries (the last expiry weekday of each month) on or after `date`.
    public func monthlyExpiries(onOrAfter date: LocalDate, count: Int, calendar: TradingCalendar) -> [LocalDate] {
        guard count > 0 else { return [] }
        return (0..<(count + 1)).compactMap { months in
            adjusted(date.firstOfMonth(addingMonths: months).lastWeekdayOfMonth(expiryWeekday), calendar: calendar)
        }
        .filter { $0 >= date }
        .prefix(count)
        .map { $0 }
    }

    /// Every option expiry listed on `date`: the weeklies and the monthlies, without repeats.
    public func optionExpiries(onOrAfter date: LocalDate, calendar: TradingCalendar) -> [LocalDate] {
        let all =
            weeklyExpiries(onOrAfter: date, calendar: calendar)
            + monthlyExpiries(onOrAfter: date, count: monthlyExpiries, calendar: calendar)
        return Array(Set(all)).sorted()
    }

    /// Strikes centred on the multiple of the strike step nearest to `price`.
    public func strikes(around price: Double) -> [Double] {
        let centre = (price / strikeStep).rounded() * strikeStep
        return (-strikesEachSide...strikesEachSide)
            .map { centre + Double($0) * strikeStep }
            .filter { $0 > 0 }
    }

    /// `NIFTY24NOV26FUT`.
    public func futureSymbol(expiry: LocalDate) -> String {
        underlying + expiry.symbolForm + "FUT"
    }

    /// `NIFTY24NOV2626000CE`; a fractional strike keeps its fraction (`VEDL25APR24292.5CE`).
    public func optionSymbol(expiry: LocalDate, strike: Double, type: InstrumentType) -> String {
        underlying + expiry.symbolForm + DerivativeSeries.strikeText(strike) + type.rawValue
    }

    static func strikeText(_ strike: Double) -> String {
        if strike == strike.rounded() { return String(Int64(strike)) }
        var text = String(strike)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    private func adjusted(_ expiry: LocalDate, calendar: TradingCalendar) -> LocalDate? {
        calendar.regularTradingDay(onOrBefore: expiry, on: exchange)
    }
}
