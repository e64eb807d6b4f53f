// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData

/// Calendars, times and ticks shared by the bar and session-anchor tests.
enum BarFixtures {
    static func date(_ text: String) -> LocalDate {
        guard let date = LocalDate(iso: text) else { fatalError("bad test date \(text)") }
        return date
    }

    static func window(_ start: String, _ end: String) -> TradingCalendar.Window {
        guard let from = TimeOfDay(start), let to = TimeOfDay(end) else { fatalError("bad test window \(start)–\(end)") }
        return .init(start: from, end: to)
    }

    /// Epoch seconds of an IST wall-clock time: `"2026-03-02 10:14:59"`, or `"10:14:59"` on
    /// ``day`` (Monday 2026-03-02).
    static func ist(_ text: String) -> Int64 {
        let parts = text.split(separator: " ")
        let day = parts.count == 2 ? date(String(parts[0])) : Self.day
        let clock = (parts.last ?? "").split(separator: ":").compactMap { Int64($0) }
        guard clock.count == 3 else { fatalError("bad test time \(text)") }
        let local = Int64(day.daysSinceEpoch) * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2]
        return local - Int64(TradingCalendar.istOffsetSeconds)
    }

    /// A Monday on which both test exchanges trade.
    static let day = date("2026-03-02")

    static let allTime = (validFrom: date("0001-01-01"), validUntil: date("9999-12-31"))

    static func sessions(_ windows: [(SessionType, TradingCalendar.Window)]) -> [TradingCalendar.Session] {
        (1...5).flatMap { weekday in
            windows.map { type, window in
                TradingCalendar.Session(
                    isoWeekday: weekday, type: type, window: window, validFrom: allTime.validFrom, validUntil: allTime.validUntil)
            }
        }
    }

    /// NSE: a pre-open and a 09:15–15:30 normal session on weekdays, a holiday on 2026-03-03. MCX:
    /// a day window 09:00–14:00 and, after a gap, an evening window 16:45–23:30 whose open is not
    /// on the day window's hourly grid. CDS: two adjacent windows 09:00–17:00 and 17:00–23:30.
    static let calendar = TradingCalendar(
        templates: [
            .init(
                exchange: .nse, name: "nse", squareOffTime: nil,
                sessions: sessions([(.preOpen, window("09:00", "09:08")), (.normal, window("09:15", "15:30"))])),
            .init(
                exchange: .mcx, name: "mcx", squareOffTime: nil,
                sessions: sessions([(.normal, window("09:00", "14:00")), (.normal, window("16:45", "23:30"))])),
            .init(
                exchange: .cds, name: "adjacent", squareOffTime: nil,
                sessions: sessions([(.normal, window("09:00", "17:00")), (.normal, window("17:00", "23:30"))])),
        ],
        holidays: [.init(date: date("2026-03-03"), exchange: .nse, description: "Holi", openWindow: nil)],
        specialSessions: [])

    /// A tick at an IST time (see ``ist(_:)``) plus `millis`.
    static func tick(
        _ time: String, millis: Int64 = 0, price: Double, volume: Int64 = 0, quantity: Int64 = 0, openInterest: Int64 = 0
    ) -> Tick {
        Tick(
            instrumentID: 7, timestampNanos: (ist(time) * 1000 + millis) * 1_000_000, lastPrice: price, lastQuantity: quantity,
            volume: volume, openInterest: openInterest)
    }

    /// Feeds ticks through one aggregator, anchoring each with `anchors`, and returns the closed bars.
    static func feed(
        _ ticks: [Tick], into aggregator: inout BarAggregator, anchors: inout SessionAnchors, exchange: ExchangeCode = .nse
    ) -> [Bar] {
        aggregator.replay(ticks) { anchors.anchor(exchange: exchange, epochSeconds: $0.timestampSeconds) }
    }

    /// A reproducible trading day of NSE ticks: a random walk with gaps of 0–3 s, about one late tick
    /// in fifty and one glitch (price 0) in a hundred; cumulative volume only grows.
    static func randomDay(count: Int, seed: UInt64) -> [Tick] {
        var state = seed
        func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % bound
        }
        var ticks: [Tick] = []
        var nanos = ist("09:15:00") * 1_000_000_000
        var price = 1000.0
        var volume: Int64 = 0
        for _ in 0..<count {
            nanos += Int64(next(3_000)) * 1_000_000
            price = max(1, price + Double(Int64(next(21)) - 10) * 0.05)
            let quantity = Int64(next(50)) + 1
            volume += quantity
            let late = next(50) == 0 ? Int64(next(90) + 1) * 1_000_000_000 : 0
            let glitch = next(100) == 0
            ticks.append(
                Tick(
                    instrumentID: 7, timestampNanos: nanos - late, lastPrice: glitch ? 0 : price, lastQuantity: quantity,
                    volume: volume, openInterest: Int64(next(1_000))))
        }
        return ticks
    }
}
