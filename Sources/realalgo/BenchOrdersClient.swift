// SPDX-License-Identifier: Apache-2.0
import Foundation
import NIOCore
import Synchronization

/// What every connection of an order run shares: the measured window and, when the run is a
/// fixed number of orders, how many measured orders may still be sent.
final class BenchOrdersPlan: Sendable {
    /// Requests sent from this monotonic microsecond on are measured (after warm-up).
    let measureFromMicros: Int
    /// No request is sent from this monotonic microsecond on (`Int.max` for a count-bound run).
    let measureUntilMicros: Int
    /// Measured requests not yet claimed; a connection stops once it finds none left.
    private let remaining: Atomic<Int>

    init(measureFromMicros: Int, measureUntilMicros: Int, orders: Int) {
        self.measureFromMicros = measureFromMicros
        self.measureUntilMicros = measureUntilMicros
        remaining = Atomic(orders)
    }

    /// Takes one measured request from the budget; false once it is spent.
    func claim() -> Bool {
        remaining.subtract(1, ordering: .relaxed).newValue >= 0
    }
}

/// What the connections on one event loop measured. Only that loop's thread touches it while the
/// run lasts (every handler on the loop shares it); the benchmark reads it on the loop afterwards.
final class BenchOrdersRecorder: @unchecked Sendable {
    /// Latency of each successful order sent inside the measured window, send to last body byte.
    var histogram = LatencyHistogram()
    /// Successful replies (to requests sent during warm-up too) that arrived inside the measured
    /// window: each is an order the hub had committed by then.
    var completedInWindow = 0
    /// The monotonic microsecond of the last response inside the window.
    var lastCompletionMicros = 0
    /// Every `200` with `"status":"success"`, warm-up included: each is one order row in the hub.
    var successes = 0
    /// Every other answer, dropped connection or unreadable response.
    var failures = 0
    /// The earliest failure seen on this loop: when it happened and what came back.
    var firstFailure: (micros: Int, description: String)?

    func recordFailure(_ description: String) {
        failures += 1
        if firstFailure == nil { firstFailure = (monotonicMicros(), description) }
    }
}

/// One keep-alive HTTP/1.1 connection of the order benchmark, closed loop: it sends one
/// precomputed `placeorder` request, reads the whole response (status line, `Content-Length`
/// body), records the latency, and sends the next, alternating BUY and SELL so the position and
/// the margin it holds stay small. Deliberately minimal (no general HTTP client) so that the
/// client side costs as little CPU as possible on a machine the server shares.
final class BenchOrdersClientHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// This connection's requests, sent in turn (BUY, SELL).
    private let requests: [ByteBuffer]
    private let recorder: BenchOrdersRecorder
    /// Succeeds once the connection has sent its last request and read its response, or has
    /// been lost (the loss is counted as a failure, never thrown: the run reports it).
    let finished: EventLoopPromise<Void>
    private var context: ChannelHandlerContext?
    private var plan: BenchOrdersPlan?
    private var next = 0
    private var sentAtMicros = 0
    private var awaitingResponse = false
    private var isFinished = false
    private var pending: ByteBuffer?

    init(requests: [ByteBuffer], recorder: BenchOrdersRecorder, finished: EventLoopPromise<Void>) {
        precondition(!requests.isEmpty, "a connection needs at least one request to send")
        self.requests = requests
        self.recorder = recorder
        self.finished = finished
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Starts the closed loop under `plan`; call on the channel's event loop.
    func start(_ plan: BenchOrdersPlan) {
        self.plan = plan
        guard let context else {
            finish()
            return
        }
        sendNextOrFinish(context)
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
        while awaitingResponse {
            switch Self.nextResponse(&buffer) {
            case .incomplete:
                if buffer.readableBytes > 0 {
                    buffer.discardReadBytes()
                    pending = buffer
                }
                return
            case .malformed(let reason):
                recorder.recordFailure("unreadable response: \(reason)")
                finish()
                context.close(promise: nil)
                return
            case .response(let status, let body):
                completed(context, status: status, body: body)
            }
        }
        if buffer.readableBytes > 0 {
            recorder.recordFailure("\(buffer.readableBytes) bytes arrived with no request outstanding")
            finish()
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !isFinished { recorder.recordFailure("the server closed the connection") }
        finish()
    }

    /// A response overdue by ``responseTimeout`` (the pipeline's `IdleStateHandler` read timeout)
    /// is a failure, so a stalled server ends the run instead of hanging it.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is IdleStateHandler.IdleStateEvent, awaitingResponse, !isFinished else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        recorder.recordFailure("no response within \(Self.responseTimeout)")
        finish()
        context.close(promise: nil)
    }

    static let responseTimeout = TimeAmount.seconds(30)

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !isFinished { recorder.recordFailure("connection error: \(error)") }
        finish()
        context.close(promise: nil)
    }

    private func completed(_ context: ChannelHandlerContext, status: Int, body: ByteBuffer) {
        let now = monotonicMicros()
        awaitingResponse = false
        let succeeded = status == 200 && body.withUnsafeReadableBytes { Self.contains(Self.successMarker, in: $0) }
        if succeeded {
            recorder.successes += 1
        } else {
            recorder.recordFailure("HTTP \(status): \(String(buffer: body).prefix(500))")
        }
        // Only successes are orders: a quick refusal must not flatter the rate or the latency.
        if succeeded, let plan, now >= plan.measureFromMicros {
            recorder.completedInWindow += 1
            recorder.lastCompletionMicros = max(recorder.lastCompletionMicros, now)
            if sentAtMicros >= plan.measureFromMicros { recorder.histogram.record(micros: now - sentAtMicros) }
        }
        sendNextOrFinish(context)
    }

    private func sendNextOrFinish(_ context: ChannelHandlerContext) {
        guard let plan, !isFinished else { return }
        let now = monotonicMicros()
        if now >= plan.measureUntilMicros || (now >= plan.measureFromMicros && !plan.claim()) {
            finish()
            return
        }
        let request = requests[next]
        next = (next + 1) % requests.count
        awaitingResponse = true
        sentAtMicros = now
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    private func finish() {
        guard !isFinished else { return }
        isFinished = true
        awaitingResponse = false
        finished.succeed(())
    }

    // MARK: Reading responses

    enum ResponseParse: Equatable {
        case incomplete
        case malformed(String)
        case response(status: Int, body: ByteBuffer)
    }

    /// What the response head says, read before the body has necessarily arrived.
    private enum Head {
        case incomplete
        case malformed(String)
        case complete(status: Int, headerLength: Int, bodyLength: Int)
    }

    /// Reads one complete HTTP/1.1 response with a `Content-Length` body from `buffer`, moving
    /// its reader index past it; `.incomplete` (nothing consumed) when more bytes are needed.
    static func nextResponse(_ buffer: inout ByteBuffer) -> ResponseParse {
        let head = buffer.withUnsafeReadableBytes { bytes -> Head in
            guard let end = headerEnd(in: bytes) else { return .incomplete }
            guard end >= 12, bytes[0] == UInt8(ascii: "H"), let status = integer(in: bytes, from: 9, to: 12) else {
                return .malformed("no HTTP status line")
            }
            guard let length = contentLength(in: bytes, headerEnd: end) else {
                return .malformed("HTTP \(status) without Content-Length (chunked bodies are not expected here)")
            }
            return .complete(status: status, headerLength: end, bodyLength: length)
        }
        switch head {
        case .incomplete:
            return .incomplete
        case .malformed(let reason):
            return .malformed(reason)
        case .complete(let status, let headerLength, let bodyLength):
            guard buffer.readableBytes >= headerLength + bodyLength,
                let body = buffer.getSlice(at: buffer.readerIndex + headerLength, length: bodyLength)
            else { return .incomplete }
            buffer.moveReaderIndex(forwardBy: headerLength + bodyLength)
            return .response(status: status, body: body)
        }
    }

    /// The offset just past the blank line that ends the header, or nil before it has arrived.
    private static func headerEnd(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = 3
        while index < bytes.count {
            if bytes[index] == 0x0A, bytes[index - 1] == 0x0D, bytes[index - 2] == 0x0A, bytes[index - 3] == 0x0D { return index + 1 }
            index += 1
        }
        return nil
    }

    /// The value of the `Content-Length` header (matched without regard to case), or nil.
    private static func contentLength(in bytes: UnsafeRawBufferPointer, headerEnd: Int) -> Int? {
        let name = contentLengthName
        var lineStart = 0
        while lineStart < headerEnd {
            var lineEnd = lineStart
            while lineEnd < headerEnd, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            if lineEnd - lineStart > name.count,
                (0..<name.count).allSatisfy({ bytes[lineStart + $0] | 0x20 == name[$0] })
            {
                var index = lineStart + name.count
                while index < lineEnd, bytes[index] == UInt8(ascii: " ") { index += 1 }
                var end = index
                while end < lineEnd, (0x30...0x39).contains(bytes[end]) { end += 1 }
                return integer(in: bytes, from: index, to: end)
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    /// The decimal number spelled by `bytes[from..<to]`, or nil if it is empty or not all digits.
    private static func integer(in bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> Int? {
        guard from < to, to <= bytes.count, to - from <= 9 else { return nil }
        var value = 0
        for index in from..<to {
            let byte = bytes[index]
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// Whether `needle` occurs in `bytes`.
    static func contains(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var start = 0
        while start <= bytes.count - needle.count {
            if bytes[start] == first, (1..<needle.count).allSatisfy({ bytes[start + $0] == needle[$0] }) { return true }
            start += 1
        }
        return false
    }

    /// `content-length:` in lower case; header bytes are lowered with `| 0x20` before comparing
    /// (harmless for the colon and the hyphen, which already have that bit set).
    private static let contentLengthName = Array("content-length:".utf8)
    private static let successMarker = Array("\"status\":\"success\"".utf8)
}

/// Builds the `placeorder` request bytes once per symbol and side.
enum BenchOrderRequests {
    /// A MARKET MIS order of quantity 1, as the official client sends it, to `endpoint`.
    static func placeOrder(host: String, apiKey: String, symbol: String, exchange: String, action: String, endpoint: String = "placeorder")
        -> ByteBuffer
    {
        let body =
            "{\"apikey\":\"\(apiKey)\",\"strategy\":\"bench\",\"symbol\":\"\(symbol)\",\"exchange\":\"\(exchange)\","
            + "\"action\":\"\(action)\",\"product\":\"MIS\",\"pricetype\":\"MARKET\",\"quantity\":\"1\",\"price\":\"0\","
            + "\"trigger_price\":\"0\",\"disclosed_quantity\":\"0\"}"
        let head =
            "POST /api/v1/\(endpoint) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n"
        return ByteBuffer(string: head + body)
    }
}

struct BenchOrdersError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
