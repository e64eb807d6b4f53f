// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import MarketData
import NIOCore
import Testing

@testable import Server

@Suite("market_data messages")
struct MarketDataMessageTests {
    static let instrument = Instrument(id: 7, symbol: "M&M \"X\"", exchange: .nse, type: .equity, token: "7")

    static func quote() -> Quote {
        let depth = MarketDepth(
            bids: [DepthLevel(price: 99.95, quantity: 10, orders: 2)], asks: [DepthLevel(price: 100.05, quantity: 5, orders: 1)])
        var quote = Quote(
            first: Tick(
                instrumentID: 7, timestampNanos: 1_795_255_659_795_000_000, lastPrice: 100, lastQuantity: 3, volume: 30, bid: 99.95,
                ask: 100.05, bidQuantity: 10, askQuantity: 5, depth: depth),
            tradingDate: LocalDate(iso: "2026-11-23")!, previousClose: 98)
        quote.apply(
            Tick(instrumentID: 7, timestampNanos: 1_795_255_660_795_000_000, lastPrice: 101.5, lastQuantity: 1, volume: 31, depth: depth),
            tradingDate: LocalDate(iso: "2026-11-23")!)
        return quote
    }

    static func decode(_ mode: SubscriptionMode) throws -> [String: Any] {
        let buffer = MarketDataMessage.encode(quote(), instrument: instrument, mode: mode)
        let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
        return try #require(object as? [String: Any])
    }

    @Test("each mode carries the fields of the lower modes, labelled with the subscriber's mode", arguments: SubscriptionMode.allCases)
    func modes(mode: SubscriptionMode) throws {
        let message = try Self.decode(mode)
        #expect(message["type"] as? String == "market_data")
        #expect(message["symbol"] as? String == "M&M \"X\"")
        #expect(message["mode"] as? Int == mode.rawValue)
        let data = try #require(message["data"] as? [String: Any])
        #expect(data["ltp"] as? Double == 101.5)
        #expect(data["timestamp"] as? Int == 1_795_255_660_795)
        #expect((data["close"] != nil) == (mode >= .quote))
        if mode >= .quote {
            #expect(data["close"] as? Int == 98)
            #expect(data["high"] as? Double == 101.5)
            #expect(data["volume"] as? Int == 31)
            #expect(data["change"] as? Double == 3.5)
        }
        let depth = data["depth"] as? [String: Any]
        #expect((depth != nil) == (mode == .depth))
        if let depth {
            let buy = try #require(depth["buy"] as? [[String: Any]])
            #expect(buy.count == 5)
            #expect(buy[0]["price"] as? Double == 99.95)
            #expect(buy[4]["price"] as? Int == 0)
        }
    }
}
