// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing

/// `market/holidays` and `market/timings` from the seeded calendar (migration 0009).
@Suite("market holidays and timings")
struct CalendarEndpointTests {
    /// Epoch milliseconds of an IST wall-clock time, computed with Foundation's time zones (an
    /// independent check of the server's fixed-offset arithmetic).
    static func istMillis(_ date: String, _ time: String) throws -> Int64 {
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "Asia/Kolkata")
        parser.dateFormat = "yyyy-MM-dd HH:mm"
        let instant = try #require(parser.date(from: "\(date) \(time)"))
        return Int64((instant.timeIntervalSince1970 * 1000).rounded())
    }

    static func session(_ exchange: String, _ date: String, _ start: String, _ end: String) throws -> [String: AnyHashable] {
        ["exchange": exchange, "start_time": try istMillis(date, start), "end_time": try istMillis(date, end)]
    }

    static func sessions(_ value: Any?) -> [[String: AnyHashable]]? {
        (value as? [[String: Any]])?.map { row in
            row.mapValues { value -> AnyHashable in (value as? String).map(AnyHashable.init) ?? AnyHashable((value as? NSNumber)?.int64Value ?? -1) }
        }
    }

    @Test("timings list each exchange's market hours on a trading day, in OpenAlgo's exchange order")
    func tradingDay() async throws {
        try await TestServer.run(modules: [.broker]) { client, server in
            let response = try await client.post("/api/v1/market/timings", json: #"{"apikey":"\#(server.apiKey)","date":"2026-11-23"}"#)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["status"] as? String == "success")
            let day = "2026-11-23"
            #expect(
                Self.sessions(body["data"]) == [
                    try Self.session("NSE", day, "09:15", "15:30"), try Self.session("BSE", day, "09:15", "15:30"),
                    try Self.session("NFO", day, "09:15", "15:30"), try Self.session("BFO", day, "09:15", "15:30"),
                    try Self.session("MCX", day, "09:00", "23:55"), try Self.session("BCD", day, "09:00", "17:00"),
                    try Self.session("CDS", day, "09:00", "17:00"),
                ])
        }
    }

    @Test("timings on a holiday keep only what trades (MCX's evening), a weekend is closed, a budget Sunday opens")
    func specialDays() async throws {
        try await TestServer.run(modules: [.broker]) { client, server in
            func timings(_ date: String) async throws -> [[String: AnyHashable]]? {
                Self.sessions(
                    try await client.post("/api/v1/market/timings", json: #"{"apikey":"\#(server.apiKey)","date":"\#(date)"}"#).json()["data"])
            }
            #expect(try await timings("2026-11-24") == [try Self.session("MCX", "2026-11-24", "17:00", "23:55")])
            #expect(try await timings("2026-11-22") == [])
            let budget = try #require(try await timings("2026-02-01"))
            #expect(budget.map { $0["exchange"] } == ["NSE", "BSE", "NFO", "BFO", "MCX"])
            #expect(budget.first == (try Self.session("NSE", "2026-02-01", "09:15", "15:30")))
        }
    }

    static let badRequests: [(path: String, body: String, field: String)] = [
        ("market/timings", #""date":"2026-13-01""#, "date"),
        ("market/timings", #""date":"23-11-2026""#, "date"),
        ("market/timings", #""date":"2019-12-31""#, "date"),
        ("market/timings", #""date":"2051-01-01""#, "date"),
        ("market/timings", #""day":"2026-11-23""#, "day"),
        ("market/timings", #""x":1"#, "x"),
        ("market/holidays", #""year":2019"#, "year"),
        ("market/holidays", #""year":"2051""#, "year"),
        ("market/holidays", #""year":"soon""#, "year"),
        ("market/holidays", #""exchange":"NSE""#, "exchange"),
    ]

    @Test("a bad date or year, or an unknown field, is a 400 naming the field", arguments: badRequests.indices)
    func badRequest(index: Int) async throws {
        let (path, fields, field) = Self.badRequests[index]
        try await TestServer.run(modules: [.broker]) { client, server in
            let response = try await client.post("/api/v1/\(path)", json: #"{"apikey":"\#(server.apiKey)",\#(fields)}"#)
            #expect(response.status == .badRequest)
            let message = try #require(try response.json()["message"] as? [String: Any])
            #expect(message[field] != nil, "\(response.text)")
        }
    }

    @Test("timings without a date is a 400 naming it; a wrong key is a 403 on both")
    func missingDateAndWrongKey() async throws {
        try await TestServer.run(modules: [.broker]) { client, server in
            let response = try await client.post("/api/v1/market/timings", json: #"{"apikey":"\#(server.apiKey)"}"#)
            #expect(response.status == .badRequest && response.text.contains(#"{"date":["Missing data for required field."]}"#))
            for path in ["market/timings", "market/holidays"] {
                let wrong = try await client.post("/api/v1/\(path)", json: #"{"apikey":"\#(server.revokedKey)","date":"2026-11-23"}"#)
                #expect(wrong.status == .forbidden && wrong.text.contains("Invalid openalgo apikey"))
            }
        }
    }

    @Test("holidays list every published date with closed and open exchanges, a Muhurat or budget day as a special session")
    func holidays() async throws {
        try await TestServer.run(modules: [.broker]) { client, server in
            let body = try await client.post("/api/v1/market/holidays", json: #"{"apikey":"\#(server.apiKey)","year":"2026"}"#).json()
            #expect(body["status"] as? String == "success" && body["year"] as? Int == 2026 && body["timezone"] as? String == "Asia/Kolkata")
            let days = try #require(body["data"] as? [[String: Any]])
            let dates = days.compactMap { $0["date"] as? String }
            #expect(dates == dates.sorted() && Set(dates).count == dates.count && dates.allSatisfy { $0.hasPrefix("2026-") })

            let gurpurb = try #require(days.first { $0["date"] as? String == "2026-11-24" })
            #expect(gurpurb["description"] as? String == "Prakash Gurpurb Sri Guru Nanak Dev")
            #expect(gurpurb["holiday_type"] as? String == "TRADING_HOLIDAY")
            #expect(gurpurb["closed_exchanges"] as? [String] == ["NSE", "BSE", "NFO", "BFO", "BCD", "CDS"])
            #expect(Self.sessions(gurpurb["open_exchanges"]) == [try Self.session("MCX", "2026-11-24", "17:00", "23:55")])

            let republic = try #require(days.first { $0["date"] as? String == "2026-01-26" })
            #expect(republic["closed_exchanges"] as? [String] == ["NSE", "BSE", "NFO", "BFO", "MCX", "BCD", "CDS"])
            #expect((republic["open_exchanges"] as? [Any])?.isEmpty == true)

            let budget = try #require(days.first { $0["date"] as? String == "2026-02-01" })
            #expect(budget["holiday_type"] as? String == "SPECIAL_SESSION" && budget["description"] as? String == "Union Budget live session")
            #expect(budget["closed_exchanges"] as? [String] == ["BCD", "CDS"])
            #expect(Self.sessions(budget["open_exchanges"])?.first == (try Self.session("NSE", "2026-02-01", "09:15", "15:30")))

            let muhurat = try await client.post("/api/v1/market/holidays", json: #"{"apikey":"\#(server.apiKey)","year":2025}"#).json()
            let diwali = try #require((muhurat["data"] as? [[String: Any]])?.first { $0["date"] as? String == "2025-10-21" })
            #expect(diwali["holiday_type"] as? String == "SPECIAL_SESSION")
            #expect(diwali["description"] as? String == "Diwali Laxmi Pujan (Muhurat trading only)")
            #expect(Self.sessions(diwali["open_exchanges"])?.first == (try Self.session("NSE", "2025-10-21", "13:45", "14:45")))

            let empty = try await client.post("/api/v1/market/holidays", json: #"{"apikey":"\#(server.apiKey)","year":2040}"#).json()
            #expect((empty["data"] as? [Any])?.isEmpty == true && empty["year"] as? Int == 2040)

            let thisYear = try await client.post("/api/v1/market/holidays", json: #"{"apikey":"\#(server.apiKey)"}"#).json()
            var ist = Calendar(identifier: .gregorian)
            ist.timeZone = try #require(TimeZone(identifier: "Asia/Kolkata"))
            #expect(thisYear["year"] as? Int == ist.component(.year, from: Date()))
        }
    }
}
