// SPDX-License-Identifier: Apache-2.0
import Foundation
import NIOCore

/// What the clients on one event loop measured. Only that loop's thread touches it while the run
/// lasts (every handler on the loop shares it); the benchmark reads it on the loop afterwards.
final class BenchFeedRecorder: @unchecked Sendable {
    var histogram = LatencyHistogram()
    /// `market_data` messages received, including the ones published before the measured window.
    var messages: UInt64 = 0
    /// Connections the server closed, by close code (1008 is the slow-client close).
    var closes: [UInt16: Int] = [:]
    /// Only ticks published from this monotonic microsecond on are measured (after warm-up).
    var measureFromMicros = Int.max
    var measureUntilMicros = Int.max
}

/// A deliberately small WebSocket client for the fan-out benchmark: it speaks just enough of RFC
/// 6455 to upgrade, authenticate, subscribe and read frames, so the client side costs as little
/// CPU as possible on a machine the server shares. A general client (with its per-frame async
/// iteration) would measure itself more than the server.
///
/// The benchmark publishes ticks whose last price is the monotonic microsecond at which they were
/// published; the client reads `"ltp":` and records now minus that as the tick-to-client latency.
final class BenchFeedClientHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case upgrading, authenticating, subscribing, streaming, closed
    }

    private let host: String
    private let apiKey: String
    private let subscribeMessage: String
    private let recorder: BenchFeedRecorder
    /// Succeeds once the subscription is confirmed; fails if the server refuses or hangs up.
    let ready: EventLoopPromise<Void>
    private var phase = Phase.upgrading
    private var readyCompleted = false
    private var pending: ByteBuffer?

    init(host: String, apiKey: String, symbols: [(symbol: String, exchange: String)], recorder: BenchFeedRecorder, ready: EventLoopPromise<Void>) {
        self.host = host
        self.apiKey = apiKey
        self.recorder = recorder
        self.ready = ready
        let list = symbols.map { "{\"symbol\":\"\($0.symbol)\",\"exchange\":\"\($0.exchange)\"}" }.joined(separator: ",")
        subscribeMessage = "{\"action\":\"subscribe\",\"mode\":1,\"symbols\":[\(list)]}"
    }

    func channelActive(context: ChannelHandlerContext) {
        let request =
            "GET / HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: UmVhbEFsZ29CZW5jaDEyMw==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        // The held bytes are taken out of `pending` first so the buffer is uniquely referenced
        // and appending to it never copies.
        var buffer: ByteBuffer
        if var held = pending {
            pending = nil
            held.writeBuffer(&incoming)
            buffer = held
        } else {
            buffer = incoming
        }
        if phase == .upgrading {
            guard let end = buffer.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8)) else {
                pending = buffer
                return
            }
            let headerLength = end.upperBound - buffer.readerIndex
            let header = buffer.readString(length: headerLength) ?? ""
            guard header.hasPrefix("HTTP/1.1 101") else {
                fail(context, "upgrade refused: \(header.prefix(60))")
                return
            }
            phase = .authenticating
            send(context, text: "{\"action\":\"authenticate\",\"api_key\":\"\(apiKey)\"}")
        }
        while let frame = Self.nextFrame(&buffer) {
            handle(context, opcode: frame.opcode, payload: frame.payload)
        }
        if buffer.readableBytes > 0 {
            buffer.discardReadBytes()
            pending = buffer
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        phase = .closed
        completeReady(.failure(ChannelError.ioOnClosedChannel))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        completeReady(.failure(error))
        context.close(promise: nil)
    }

    /// Completes ``ready`` once: a refusal is followed by the channel closing, which must not
    /// complete it a second time.
    private func completeReady(_ result: Result<Void, any Error>) {
        guard !readyCompleted else { return }
        readyCompleted = true
        ready.completeWith(result)
    }

    private func handle(_ context: ChannelHandlerContext, opcode: UInt8, payload: ByteBuffer) {
        switch opcode {
        case 0x1:
            handleText(context, payload)
        case 0x8:
            var payload = payload
            let code = payload.readInteger(as: UInt16.self) ?? 1005
            recorder.closes[code, default: 0] += 1
            phase = .closed
            context.close(promise: nil)
        case 0x9:
            send(context, opcode: 0xA, payload: Array(payload.readableBytesView))
        default:
            break
        }
    }

    private func handleText(_ context: ChannelHandlerContext, _ payload: ByteBuffer) {
        switch phase {
        case .streaming:
            guard let price = payload.withUnsafeReadableBytes({ Self.integerField(in: $0, after: Self.ltpKey) }) else { return }
            recorder.messages += 1
            if price >= recorder.measureFromMicros, price < recorder.measureUntilMicros {
                recorder.histogram.record(micros: monotonicMicros() - price)
            }
        case .authenticating:
            let text = String(buffer: payload)
            guard text.contains(Self.successMarker) else {
                fail(context, "authentication refused: \(text.prefix(200))")
                return
            }
            phase = .subscribing
            send(context, text: subscribeMessage)
        case .subscribing:
            // Snapshots of the subscribed symbols may follow the reply; only the reply matters here.
            let text = String(buffer: payload)
            guard text.contains(Self.subscribeReplyMarker) else { return }
            guard text.contains(Self.successMarker) || text.contains(Self.partialMarker) else {
                fail(context, "subscribe refused: \(text.prefix(200))")
                return
            }
            phase = .streaming
            completeReady(.success(()))
        case .upgrading, .closed:
            break
        }
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        phase = .closed
        completeReady(.failure(BenchFeedClientError(message: message)))
        context.close(promise: nil)
    }

    private func send(_ context: ChannelHandlerContext, text: String) {
        send(context, opcode: 0x1, payload: Array(text.utf8))
    }

    /// Writes one masked frame, as RFC 6455 requires of a client.
    private func send(_ context: ChannelHandlerContext, opcode: UInt8, payload: [UInt8]) {
        var frame = context.channel.allocator.buffer(capacity: payload.count + 14)
        frame.writeInteger(0x80 | opcode)
        switch payload.count {
        case ..<126:
            frame.writeInteger(UInt8(0x80 | payload.count))
        case ..<65_536:
            frame.writeInteger(UInt8(0x80 | 126))
            frame.writeInteger(UInt16(payload.count))
        default:
            frame.writeInteger(UInt8(0x80 | 127))
            frame.writeInteger(UInt64(payload.count))
        }
        let mask: [UInt8] = [0x5A, 0xC3, 0x17, 0x9E]
        frame.writeBytes(mask)
        frame.writeBytes(payload.enumerated().map { $0.element ^ mask[$0.offset & 3] })
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    /// Reads one complete server frame (unmasked) from `buffer`, or nil when more bytes are needed.
    static func nextFrame(_ buffer: inout ByteBuffer) -> (opcode: UInt8, payload: ByteBuffer)? {
        let start = buffer.readerIndex
        guard let first = buffer.getInteger(at: start, as: UInt8.self), let second = buffer.getInteger(at: start + 1, as: UInt8.self) else {
            return nil
        }
        var headerLength = 2
        var length = Int(second & 0x7F)
        if length == 126 {
            guard let extended = buffer.getInteger(at: start + 2, as: UInt16.self) else { return nil }
            length = Int(extended)
            headerLength = 4
        } else if length == 127 {
            guard let extended = buffer.getInteger(at: start + 2, as: UInt64.self), extended < UInt64(Int32.max) else { return nil }
            length = Int(extended)
            headerLength = 10
        }
        guard buffer.readableBytes >= headerLength + length, let payload = buffer.getSlice(at: start + headerLength, length: length) else {
            return nil
        }
        buffer.moveReaderIndex(forwardBy: headerLength + length)
        return (first & 0x0F, payload)
    }

    /// The non-negative integer after `key` in `bytes` (`"ltp":1234`), or nil. A plain byte scan
    /// over raw memory, not a generic collection search: this runs once per delivered message on
    /// the client's one thread.
    static func integerField(in bytes: UnsafeRawBufferPointer, after key: [UInt8]) -> Int? {
        guard let first = key.first, bytes.count > key.count else { return nil }
        var start = 0
        let lastStart = bytes.count - key.count
        while start <= lastStart {
            if bytes[start] == first, (1..<key.count).allSatisfy({ bytes[start + $0] == key[$0] }) { break }
            start += 1
        }
        guard start <= lastStart else { return nil }
        var index = start + key.count
        var value = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value = value * 10 + Int(bytes[index] - 0x30)
            digits += 1
            index += 1
        }
        return digits > 0 ? value : nil
    }

    private static let ltpKey = Array("\"ltp\":".utf8)
    private static let successMarker = "\"status\":\"success\""
    private static let partialMarker = "\"status\":\"partial\""
    private static let subscribeReplyMarker = "\"type\":\"subscribe\""
}

struct BenchFeedClientError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
