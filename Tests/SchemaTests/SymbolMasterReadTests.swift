// SPDX-License-Identifier: Apache-2.0
import Core
import Testing

@testable import Schema

@Suite("Symbol master and calendar reads")
struct SymbolMasterReadTests {
    @Test("a listing is found by exact symbol and exchange, active only, with broker names when set")
    func listing() async throws {
        try await withHub { (store: Store) async throws in
            let reliance = try #require(try await store.instruments.listing(symbol: "RELIANCE", exchange: "NSE"))
            #expect(reliance.instrument.id == 1 && reliance.instrument.name == "Reliance Industries" && reliance.instrument.type == .equity)
            #expect(reliance.brokerSymbol == nil && reliance.brokerExchange == nil)
            #expect(try await store.instruments.listing(symbol: "RELIANCE", exchange: "BSE") == nil)
            #expect(try await store.instruments.listing(symbol: "NOSUCH", exchange: "NSE") == nil)

            try await store.execute("UPDATE instruments SET brsymbol = 'RELIANCE-EQ', brexchange = 'NSE_EQ' WHERE id = 1")
            let renamed = try #require(try await store.instruments.listing(symbol: "RELIANCE", exchange: "NSE"))
            #expect(renamed.brokerSymbol == "RELIANCE-EQ" && renamed.brokerExchange == "NSE_EQ")
            try await store.execute("UPDATE instruments SET is_active = 0 WHERE id = 1")
            #expect(try await store.instruments.listing(symbol: "RELIANCE", exchange: "NSE") == nil)
        }
    }

    @Test("search ANDs its terms over symbol, name, token and strike, ranks the exact symbol first, and caps")
    func search() async throws {
        try await withHub { (store: Store) async throws in
            let nifty = try await store.instruments.search(terms: ["NIFTY"], exchange: nil, limit: 5)
            #expect(nifty.total > 500)  // the index, both series' futures and options
            #expect(nifty.listings.count == 5)
            #expect(nifty.listings.first?.instrument.key == "NSE_INDEX:NIFTY")

            let byName = try await store.instruments.search(terms: ["BANK", "HDFC"], exchange: "NSE", limit: 50)
            #expect(byName.listings.map(\.instrument.symbol) == ["HDFCBANK"] && byName.total == 1)
            let lowerCase = try await store.instruments.search(terms: ["reliance"], exchange: nil, limit: 50)
            #expect(lowerCase.listings.map(\.instrument.symbol) == ["RELIANCE"])

            let strike = try await store.instruments.search(terms: ["NIFTY", "26000", "CE"], exchange: "NFO", limit: 500)
            #expect(!strike.listings.isEmpty)
            #expect(strike.listings.allSatisfy { $0.instrument.strike == 26000 && $0.instrument.type == .call })
            let expiries = strike.listings.compactMap(\.instrument.expiry)
            #expect(expiries.count == strike.listings.count && expiries == expiries.sorted())
            #expect(try await store.instruments.search(terms: ["100%"], exchange: nil, limit: 10).total == 0)
            #expect(try await store.instruments.search(terms: ["_"], exchange: nil, limit: 10).total == 0)
            #expect(try await store.instruments.search(terms: [], exchange: nil, limit: 10).total == 0)
        }
    }

    @Test("expiries are distinct and ascending, futures and options apart")
    func expiries() async throws {
        try await withHub { (store: Store) async throws in
            let options = try await store.instruments.expiries(underlying: "NIFTY", exchange: "NFO", types: [.call, .put])
            let futures = try await store.instruments.expiries(underlying: "NIFTY", exchange: "NFO", types: [.future])
            #expect(options == options.sorted() && Set(options).count == options.count && options.count >= 4)
            #expect(futures.count == 3 && futures == futures.sorted())
            #expect(options.first == LocalDate(iso: "2026-11-23"))  // 24 Nov is Guru Nanak Jayanti
            #expect(try await store.instruments.expiries(underlying: "NIFTY", exchange: "BFO", types: [.future]).isEmpty)
            #expect(try await store.instruments.expiries(underlying: "NIFTY", exchange: "NFO", types: []).isEmpty)
        }
    }

    @Test("listings come in id order, whole or of one exchange")
    func listings() async throws {
        try await withHub { (store: Store) async throws in
            let all = try await store.instruments.listings(exchange: nil)
            let nse = try await store.instruments.listings(exchange: "NSE")
            #expect(all.map(\.instrument.id) == all.map(\.instrument.id).sorted())
            #expect(!nse.isEmpty && nse.allSatisfy { $0.instrument.exchange == .nse })
            let active = try await store.scalar("SELECT count(*) FROM instruments WHERE is_active = 1", as: Int.self)
            #expect(all.count == active)
        }
    }

    @Test("published days list holidays per exchange and one row per special session, by date")
    func publishedDays() async throws {
        try await withHub { (store: Store) async throws in
            let days = try await store.calendar.publishedDays(year: 2025)
            #expect(days.map(\.date) == days.map(\.date).sorted())
            #expect(days.allSatisfy { $0.date.year == 2025 })
            let muhurat = days.filter { $0.date == LocalDate(iso: "2025-10-21") }
            #expect(muhurat.contains { $0.exchange == .nse && $0.kind == .specialSession && $0.description == "Muhurat trading (Samvat 2082)" })
            #expect(muhurat.filter { $0.exchange == .nse && $0.kind == .specialSession }.count == 1)
            #expect(muhurat.contains { $0.exchange == .cds && $0.kind == .tradingHoliday })
            #expect(try await store.calendar.publishedDays(year: 2040).isEmpty)

            try await store.execute(
                "INSERT INTO market_holidays (holiday_date, exchange, description, holiday_type, source) VALUES ('2026-06-30', 'NSE', 'Bank closing', 'settlement', 'test')"
            )
            let settlement = try await store.calendar.publishedDays(year: 2026).filter { $0.date == LocalDate(iso: "2026-06-30") }
            #expect(settlement.map(\.kind) == [.settlementHoliday])
        }
    }
}
