import Core
import Schema
import Testing

// SPDX-License-Identifier: Apache-2.0
@testable import Broker

/// The pure parts of settlement: what a move does to a holding, and what an expired contract
/// settles at.
struct SettlementArithmeticTests {
    struct HoldingCase: Sendable, CustomTestStringConvertible {
        var why: String
        var held: Int64
        var settling: Int64 = 0
        var heldAverage: Double
        var settledBefore: Int64
        var netAtCutoff: Int64
        var positionAverage: Double
        var expected: HoldingSettlement?
        var testDescription: String { why }
    }

    static let holdingCases: [HoldingCase] = [
        HoldingCase(
            why: "a first CNC buy becomes the holding at the position's average", held: 0, heldAverage: 0, settledBefore: 0, netAtCutoff: 10,
            positionAverage: 800, expected: HoldingSettlement(quantity: 10, averagePrice: 800)),
        HoldingCase(
            why: "a later buy: the holding takes the position's new average", held: 10, heldAverage: 800, settledBefore: 10, netAtCutoff: 15,
            positionAverage: 806, expected: HoldingSettlement(quantity: 15, averagePrice: 806)),
        HoldingCase(
            why: "a partial sell keeps the average", held: 10, heldAverage: 800, settledBefore: 10, netAtCutoff: 4, positionAverage: 800,
            expected: HoldingSettlement(quantity: 4, averagePrice: 800)),
        HoldingCase(
            why: "selling everything leaves quantity 0 at average 0", held: 10, heldAverage: 800, settledBefore: 10, netAtCutoff: 0,
            positionAverage: 0, expected: HoldingSettlement(quantity: 0, averagePrice: 0)),
        HoldingCase(
            why: "shares from elsewhere mix in at the position's average", held: 20, heldAverage: 100, settledBefore: 0, netAtCutoff: 10,
            positionAverage: 130, expected: HoldingSettlement(quantity: 30, averagePrice: 110)),
        HoldingCase(
            why: "selling shares from elsewhere keeps their average", held: 20, heldAverage: 100, settledBefore: 0, netAtCutoff: -5,
            positionAverage: 120, expected: HoldingSettlement(quantity: 15, averagePrice: 100)),
        HoldingCase(
            why: "a T1 quantity keeps the average when the settled part empties", held: 5, settling: 3, heldAverage: 90, settledBefore: 5,
            netAtCutoff: 0, positionAverage: 0, expected: HoldingSettlement(quantity: 0, averagePrice: 90)),
        HoldingCase(
            why: "a move that would go below zero waits", held: 2, heldAverage: 100, settledBefore: 0, netAtCutoff: -5, positionAverage: 100,
            expected: nil),
    ]

    @Test(arguments: holdingCases)
    func holdingAfterAMove(_ row: HoldingCase) {
        let result = HoldingSettlement.after(
            held: row.held, settling: row.settling, heldAverage: row.heldAverage, settledBefore: row.settledBefore, netAtCutoff: row.netAtCutoff,
            positionAverage: row.positionAverage)
        #expect(result?.quantity == row.expected?.quantity)
        if let result, let expected = row.expected { #expect(abs(result.averagePrice - expected.averagePrice) < 1e-9) }
    }

    struct PriceCase: Sendable, CustomTestStringConvertible {
        var why: String
        var type: InstrumentType
        var strike: Double?
        var contractLast: Double?
        var underlyingLast: Double?
        var expected: Double?
        var testDescription: String { why }
    }

    static let priceCases: [PriceCase] = [
        PriceCase(why: "a future at its last price", type: .future, contractLast: 26_012.5, underlyingLast: 25_990, expected: 26_012.5),
        PriceCase(why: "a future without a price waits", type: .future, contractLast: nil, underlyingLast: 25_990, expected: nil),
        PriceCase(why: "an ITM call at S − K", type: .call, strike: 25_900, underlyingLast: 26_037.5, expected: 137.5),
        PriceCase(why: "an ITM put at K − S", type: .put, strike: 26_100, underlyingLast: 26_037.5, expected: 62.5),
        PriceCase(why: "an OTM call at one tick", type: .call, strike: 26_100, underlyingLast: 26_037.5, expected: 0.05),
        PriceCase(why: "an OTM put at one tick", type: .put, strike: 25_900, underlyingLast: 26_037.5, expected: 0.05),
        PriceCase(why: "an ATM option at one tick", type: .call, strike: 26_000, underlyingLast: 26_000, expected: 0.05),
        PriceCase(why: "an option without the underlying's price waits", type: .put, strike: 26_000, underlyingLast: nil, expected: nil),
        PriceCase(why: "equities do not expire", type: .equity, contractLast: 800, expected: nil),
    ]

    @Test(arguments: priceCases)
    func expirySettlementPrice(_ row: PriceCase) {
        let price = ExpirySettlementPrice.price(
            type: row.type, strike: row.strike, contractLast: row.contractLast, underlyingLast: row.underlyingLast, tickSize: 0.05)
        #expect(price == row.expected)
    }
}
