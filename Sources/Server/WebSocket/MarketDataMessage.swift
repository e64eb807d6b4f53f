// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import NIOCore

/// Writes OpenAlgo's `market_data` message for one quote at one mode, by hand: this runs once per
/// tick and mode on the fan-out path, and a `JSONEncoder` round trip would cost more than the
/// rest of the tick path together.
///
/// A higher mode's payload is a superset of the lower ones (a Depth message also carries the LTP
/// and Quote fields), because a subscriber receives one message per tick, labelled with its own mode.
enum MarketDataMessage {
    static let broker = "realalgo"

    static func encode(_ quote: Quote, instrument: Instrument, mode: SubscriptionMode) -> ByteBuffer {
        var json = JSONWriter(capacity: mode == .depth ? 1024 : 512)
        let tick = quote.tick
        let millis = tick.timestampNanos / 1_000_000
        json.raw("{\"type\":\"market_data\",\"symbol\":")
        json.string(instrument.symbol)
        json.raw(",\"exchange\":")
        json.string(instrument.exchange.rawValue)
        json.raw(",\"mode\":")
        json.integer(Int64(mode.rawValue))
        json.raw(",\"broker\":\"\(broker)\",\"data\":{\"symbol\":")
        json.string(instrument.symbol)
        json.raw(",\"exchange\":")
        json.string(instrument.exchange.rawValue)
        json.raw(",\"mode\":")
        json.integer(Int64(mode.rawValue))
        json.field("ltp", tick.lastPrice)
        json.field("ltt", millis)
        json.field("timestamp", millis)
        if mode >= .quote {
            json.field("open", quote.open)
            json.field("high", quote.high)
            json.field("low", quote.low)
            json.field("close", quote.previousClose)
            json.field("prev_close", quote.previousClose)
            json.field("volume", tick.volume)
            json.field("last_trade_quantity", tick.lastQuantity)
            json.field("last_quantity", tick.lastQuantity)
            json.field("average_price", rounded(quote.averagePrice, 2))
            json.field("avg_trade_price", rounded(quote.averagePrice, 2))
            json.field("change", rounded(quote.change, 2))
            json.field("change_percent", rounded(quote.changePercent, 2))
            json.field("price_change", rounded(quote.change, 2))
            json.field("price_change_percent", rounded(quote.changePercent, 2))
            json.field("oi", tick.openInterest)
            json.field("bid", tick.bid)
            json.field("ask", tick.ask)
            json.field("bid_qty", tick.bidQuantity)
            json.field("ask_qty", tick.askQuantity)
            json.field("total_buy_quantity", tick.depth?.totalBuyQuantity ?? tick.bidQuantity)
            json.field("total_sell_quantity", tick.depth?.totalSellQuantity ?? tick.askQuantity)
        }
        if mode == .depth {
            json.raw(",\"depth\":{\"buy\":")
            levels(tick.depth?.bids ?? [], into: &json)
            json.raw(",\"sell\":")
            levels(tick.depth?.asks ?? [], into: &json)
            json.raw("}")
        }
        json.raw("}}")
        return json.buffer
    }

    /// Always five levels a side, zero-padded, as OpenAlgo's adapters send them.
    private static func levels(_ levels: [DepthLevel], into json: inout JSONWriter) {
        json.raw("[")
        for index in 0..<5 {
            if index > 0 { json.raw(",") }
            let level = index < levels.count ? levels[index] : DepthLevel(price: 0, quantity: 0, orders: 0)
            json.raw("{\"price\":")
            json.double(level.price)
            json.field("quantity", level.quantity)
            json.field("orders", level.orders)
            json.raw("}")
        }
        json.raw("]")
    }

}

/// A minimal JSON text builder over a `ByteBuffer`.
struct JSONWriter {
    var buffer: ByteBuffer

    init(capacity: Int) { buffer = ByteBufferAllocator().buffer(capacity: capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { _ = buffer.writeBytes($0) }
    }

    mutating func raw(_ text: String) { buffer.writeString(text) }

    mutating func integer(_ value: Int64) { buffer.writeString(String(value)) }

    /// Finite numbers in their shortest round-trip form; JSON has no NaN or infinity, so those
    /// become 0 (a price is never either by the time it gets here).
    mutating func double(_ value: Double) {
        guard value.isFinite else { return raw("0") }
        if value == value.rounded(), abs(value) < 1e15 {
            buffer.writeString(String(Int64(value)))
        } else {
            buffer.writeString(String(value))
        }
    }

    mutating func string(_ value: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0..<0x20: buffer.writeString(String(format: byte))
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    mutating func field(_ name: StaticString, _ value: Double) {
        raw(",\"")
        raw(name)
        raw("\":")
        double(value)
    }

    mutating func field(_ name: StaticString, _ value: Int64) {
        raw(",\"")
        raw(name)
        raw("\":")
        integer(value)
    }
}

extension String {
    /// `\u00XX` for a control character inside a JSON string.
    fileprivate init(format byte: UInt8) {
        let hex = String(byte, radix: 16)
        self = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
