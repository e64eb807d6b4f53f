// SPDX-License-Identifier: Apache-2.0
import Core
import HTTPTypes
import Hummingbird
import NIOCore

/// What ``RateLimitMiddleware`` answers and reads, kept outside it because a generic type cannot
/// have stored statics.
enum RateLimitRefusal {
    /// OpenAlgo's body, byte for byte (its `retry_after` is always 60, whatever the limit). Built
    /// once: a flood of refusals should cost no encoding.
    static let body = ByteBuffer(
        staticString: #"{"status":"error","message":"Rate limit exceeded. Please slow down your requests.","retry_after":60}"#)

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The 429, with a `Retry-After` header OpenAlgo does not send: the whole seconds until the
    /// client's window has room again, which generic HTTP retry logic understands.
    static func response(retryAfter wait: Duration) -> Response {
        let seconds = max(1, (wait.totalNanoseconds + 999_999_999) / 1_000_000_000)
        return Response(
            status: .tooManyRequests,
            headers: [.contentType: "application/json; charset=utf-8", .retryAfter: String(seconds)],
            body: .init(byteBuffer: body))
    }
}
