// SPDX-License-Identifier: Apache-2.0
import Core
import LuaBridge
import Strategies
import Testing

/// Strike and expiry selection of declared legs, against a small option chain.
@Suite struct LegResolverTests {
    static func day(_ year: Int, _ month: Int, _ day: Int) -> LocalDate {
        LocalDate(year: year, month: month, day: day) ?? LocalDate(daysSinceEpoch: 0)
    }

    /// Tuesdays: two weeklies in November, the monthly on 24 Nov, and December's monthly.
    static let expiries = [day(2026, 11, 17), day(2026, 11, 24), day(2026, 12, 29)]
    static let today = day(2026, 11, 16)

    static let chain: [Instrument] = {
        var list: [Instrument] = []
        var id: Int64 = 100
        for expiry in expiries {
            for strike in stride(from: 25_800.0, through: 26_200.0, by: 50) {
                for type in [InstrumentType.call, .put] {
                    id += 1
                    list.append(
                        Instrument(
                            id: id, symbol: "NIFTY\(expiry.daysSinceEpoch)\(Int(strike))\(type.rawValue)", exchange: .nfo, type: type, expiry: expiry,
                            strike: strike, underlying: "NIFTY", lotSize: 65, token: "\(id)"))
                }
            }
            id += 1
            list.append(
                Instrument(
                    id: id, symbol: "NIFTY\(expiry.daysSinceEpoch)FUT", exchange: .nfo, type: .future, expiry: expiry, underlying: "NIFTY",
                    lotSize: 65, token: "\(id)"))
        }
        // An expired series must never be chosen.
        list.append(
            Instrument(
                id: 1, symbol: "NIFTYOLDCE", exchange: .nfo, type: .call, expiry: Self.day(2026, 11, 10), strike: 26_000, underlying: "NIFTY",
                lotSize: 65, token: "1"))
        return list
    }()

    static func leg(_ lua: String) throws -> StrategyLeg {
        let source = "strategy = { name = 'legs', legs = { \(lua) } }"
        return try #require(StrategyInstance.check(source: source, chunkName: "legs.lua", desk: StrategyFixtures.desk()).legs.first)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let leg: String
        let spot: Double
        let strike: Double?
        let expiry: LocalDate
        let type: InstrumentType
        var testDescription: String { "\(leg) @ \(spot)" }
    }

    static let cases: [Case] = [
        Case(leg: "option_type = 'CE', strike = 'ATM'", spot: 26_012, strike: 26_000, expiry: expiries[0], type: .call),
        Case(leg: "option_type = 'CE', strike = 'ATM'", spot: 26_025, strike: 26_000, expiry: expiries[0], type: .call),  // tie: lower strike
        Case(leg: "option_type = 'CE', strike = 'ITM2'", spot: 26_012, strike: 25_900, expiry: expiries[0], type: .call),
        Case(leg: "option_type = 'CE', strike = 'OTM3'", spot: 26_012, strike: 26_150, expiry: expiries[0], type: .call),
        Case(leg: "option_type = 'PE', strike = 'ITM2'", spot: 26_012, strike: 26_100, expiry: expiries[0], type: .put),
        Case(leg: "option_type = 'PE', strike = 'OTM1'", spot: 26_012, strike: 25_950, expiry: expiries[0], type: .put),
        Case(leg: "option_type = 'PE', strike = 26150", spot: 26_012, strike: 26_150, expiry: expiries[0], type: .put),
        Case(leg: "option_type = 'CE', strike = 'ATM', expiry = 'next_week'", spot: 26_012, strike: 26_000, expiry: expiries[1], type: .call),
        Case(leg: "option_type = 'CE', strike = 'ATM', expiry = 'current_month'", spot: 26_012, strike: 26_000, expiry: expiries[1], type: .call),
        Case(leg: "option_type = 'CE', strike = 'ATM', expiry = 'next_month'", spot: 26_012, strike: 26_000, expiry: expiries[2], type: .call),
        Case(leg: "kind = 'future', expiry = 'current_month'", spot: 26_012, strike: nil, expiry: expiries[1], type: .future),
        Case(leg: "kind = 'future', expiry = 'next_month'", spot: 26_012, strike: nil, expiry: expiries[2], type: .future),
    ]

    @Test(arguments: cases)
    func picksTheListedContract(_ test: Case) throws {
        let leg = try Self.leg("{ name = 'x', underlying = 'NIFTY', exchange = 'NFO', action = 'SELL', \(test.leg) }")
        let picked = try LegResolver(today: Self.today).resolve(leg, contracts: Self.chain, spot: test.spot, premium: { _ in nil })
        #expect(picked.type == test.type)
        #expect(picked.expiry == test.expiry)
        #expect(picked.strike == test.strike)
    }

    @Test func premiumPicksTheNearestPricedStrike() throws {
        let leg = try Self.leg("{ name = 'x', underlying = 'NIFTY', option_type = 'CE', strike = { premium = 80 }, action = 'SELL' }")
        // A made-up smile: premium falls 40 per strike step above 25,800.
        let picked = try LegResolver(today: Self.today).resolve(leg, contracts: Self.chain, spot: 26_000) { option in
            guard let strike = option.strike else { return nil }
            return max(1, 400 - (strike - 25_800) / 50 * 40)
        }
        #expect(picked.strike == 26_200)
    }

    @Test func refusesWhatItCannotResolve() throws {
        let resolver = LegResolver(today: Self.today)
        let far = try Self.leg("{ name = 'x', underlying = 'NIFTY', option_type = 'CE', strike = 'OTM50', action = 'SELL' }")
        #expect(throws: LegResolver.Failure.self) { try resolver.resolve(far, contracts: Self.chain, spot: 26_000, premium: { _ in nil }) }
        let atm = try Self.leg("{ name = 'x', underlying = 'NIFTY', option_type = 'CE', action = 'SELL' }")
        #expect(throws: LegResolver.Failure.self) { try resolver.resolve(atm, contracts: Self.chain, spot: nil, premium: { _ in nil }) }
        #expect(throws: LegResolver.Failure.self) {
            try LegResolver(today: Self.day(2027, 1, 1)).resolve(atm, contracts: Self.chain, spot: 26_000, premium: { _ in nil })
        }
    }

    @Test func badLegDeclarationsNameTheField() {
        for (lua, field) in [
            ("{ name = 'x', underlying = 'NIFTY', option_type = 'XX', action = 'SELL' }", "strategy.legs[1].option_type"),
            ("{ name = 'x', underlying = 'NIFTY', option_type = 'CE', action = 'HOLD' }", "strategy.legs[1].action"),
            ("{ name = 'x', underlying = 'NIFTY', option_type = 'CE', strike = 'ITM0', action = 'BUY' }", "strategy.legs[1].strike"),
            ("{ name = 'x', underlying = 'NIFTY', option_type = 'CE', expiry = 'someday', action = 'BUY' }", "strategy.legs[1].expiry"),
            ("{ name = 'x', underlying = 'NIFTY', option_type = 'CE', lots = 0, action = 'BUY' }", "strategy.legs[1].lots"),
        ] {
            let error = #expect(throws: StrategyScriptError.self) { _ = try Self.leg(lua) }
            #expect(error?.field == field, "\(lua): \(String(describing: error))")
        }
    }
}
