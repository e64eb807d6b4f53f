// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation

/// Turns an upstream `market_data` message into a ``Tick`` for the hub.
///
/// Never produces a zero, negative or missing price: such a message is dropped and the hub keeps
/// the last good price. Fields an adapter leaves out stay 0 ("unknown").
enum UpstreamTickParser {
    enum Parsed {
        case tick(exchange: String, symbol: String, Tick)
        case other(type: String, status: String?)
        case invalid
    }

    static func parse(_ text: String, directory: InstrumentDirectory, nowNanos: Int64) -> Parsed {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return .invalid }
        guard let type = object["type"] as? String else { return .other(type: "", status: object["status"] as? String) }
        guard type == "market_data" else { return .other(type: type, status: object["status"] as? String) }
        guard let symbol = object["symbol"] as? String, let exchange = object["exchange"] as? String,
            let data = object["data"] as? [String: Any], let instrument = directory.instrument(symbol: symbol, exchange: exchange)
        else { return .invalid }
        let price = number(data["ltp"])
        guard price.isFinite, price > 0 else { return .invalid }
        let millis = Int64(number(data["timestamp"] ?? data["ltt"]))
        var tick = Tick(
            instrumentID: instrument.id, timestampNanos: millis > 0 ? millis * 1_000_000 : nowNanos, lastPrice: price,
            lastQuantity: integer(data["last_trade_quantity"] ?? data["last_quantity"]), volume: integer(data["volume"]),
            openInterest: integer(data["oi"]), bid: positive(data["bid"]), ask: positive(data["ask"]), bidQuantity: integer(data["bid_qty"]),
            askQuantity: integer(data["ask_qty"]), dayOpen: positive(data["open"]), dayHigh: positive(data["high"]),
            dayLow: positive(data["low"]), previousClose: positive(data["prev_close"] ?? data["close"]))
        if let depth = data["depth"] as? [String: Any] {
            let bids = levels(depth["buy"])
            let asks = levels(depth["sell"])
            if !bids.isEmpty || !asks.isEmpty {
                tick.depth = MarketDepth(bids: bids, asks: asks)
                if tick.bid == 0, let best = bids.first { (tick.bid, tick.bidQuantity) = (best.price, best.quantity) }
                if tick.ask == 0, let best = asks.first { (tick.ask, tick.askQuantity) = (best.price, best.quantity) }
            }
        }
        return .tick(exchange: instrument.exchange.rawValue, symbol: instrument.symbol, tick)
    }

    private static func levels(_ value: Any?) -> [DepthLevel] {
        guard let list = value as? [[String: Any]] else { return [] }
        return list.compactMap { level in
            let price = positive(level["price"])
            guard price > 0 else { return nil }  // padding levels carry 0
            return DepthLevel(price: price, quantity: integer(level["quantity"]), orders: integer(level["orders"]))
        }
    }

    private static func number(_ value: Any?) -> Double {
        switch value {
        case let number as NSNumber: number.doubleValue
        case let text as String: Double(text) ?? .nan
        default: .nan
        }
    }

    private static func positive(_ value: Any?) -> Double {
        let value = number(value)
        return value.isFinite && value > 0 ? value : 0
    }

    private static func integer(_ value: Any?) -> Int64 {
        let value = number(value)
        return value.isFinite && value >= 0 && value < 9e18 ? Int64(value) : 0
    }
}
