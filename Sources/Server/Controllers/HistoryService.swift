// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Schema

/// A validated `history` request.
struct HistoryQuery: Sendable {
    let interval: HistoryInterval
    let startDate: LocalDate
    let endDate: LocalDate

    /// Days one request may span: second bars are many, so their window is short.
    static func maximumDays(for interval: HistoryInterval) -> Int {
        switch interval.baseTimeframe {
        case .s1, .s5: 31
        case .m1, .m3, .m5: 366
        default: 366 * 20
        }
    }

    init(_ body: APIRequestBody) throws {
        let intervalText = try body.requiredString("interval", maxLength: 8)
        guard let interval = HistoryInterval(rawValue: intervalText) else {
            throw APIError.invalidField("interval", "Must be one of: \(HistoryInterval.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let start = try Self.date(body, "start_date")
        let end = try Self.date(body, "end_date")
        if let source = try body.optionalString("source", maxLength: 8), !["api", "db"].contains(source) {
            throw APIError.invalidField("source", "Must be one of: api, db.")
        }
        try self.init(interval: interval, startDate: start, endDate: end)
    }

    /// - Throws: 400 naming `end_date` for a reversed or too long range.
    init(interval: HistoryInterval, startDate: LocalDate, endDate: LocalDate) throws {
        guard startDate <= endDate else { throw APIError.invalidField("end_date", "Must not be before start_date.") }
        let maximum = Self.maximumDays(for: interval)
        guard endDate.daysSinceEpoch - startDate.daysSinceEpoch < maximum else {
            throw APIError.invalidField("end_date", "At most \(maximum) days per request at interval \(interval.rawValue).")
        }
        self.interval = interval
        self.startDate = startDate
        self.endDate = endDate
    }

    private static func date(_ body: APIRequestBody, _ field: String) throws -> LocalDate {
        let text = try body.requiredString(field, maxLength: 10)
        guard let date = LocalDate(iso: text) else { throw APIError.invalidField(field, "Not a valid date: use YYYY-MM-DD.") }
        return date
    }
}

/// Builds `history` answers: the stored bars of the interval's base timeframe, plus the bar the
/// hub is still building, resampled to the interval.
struct HistoryService: Sendable {
    let store: Store
    let hub: MarketDataHub

    func bars(instrument: Instrument, query: HistoryQuery) async throws -> [Bar] {
        let base = query.interval.baseTimeframe
        let offset = Int64(TradingCalendar.istOffsetSeconds)
        // Intraday bars carry true epoch seconds (IST days); daily bars carry 00:00 UTC of their date.
        let from = Int64(query.startDate.daysSinceEpoch) * 86_400 - (base == .day ? 0 : offset)
        let until = Int64(query.endDate.daysSinceEpoch + 1) * 86_400 - (base == .day ? 0 : offset)
        var bars = try await store.marketData.bars(instrumentID: instrument.id, timeframe: base, from: from, until: until)
        if let open = hub.openBar(instrumentID: instrument.id, timeframe: base), open.start >= from, open.start < until {
            if let last = bars.last, last.start == open.start {
                bars[bars.count - 1] = open
            } else if bars.last.map({ $0.start < open.start }) ?? true {
                bars.append(open)
            }
        }
        var anchors = SessionAnchors(calendar: hub.calendar, alwaysOpen: hub.configuration.alwaysOpen)
        let exchange = instrument.exchange
        return BarResampler.resample(bars, to: query.interval) { seconds in anchors.anchor(exchange: exchange, epochSeconds: seconds) }
    }
}
