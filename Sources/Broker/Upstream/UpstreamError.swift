// SPDX-License-Identifier: Apache-2.0

/// Why a call to an upstream account failed, naming the account. The order path turns it into the
/// local row's rejection reason and the API's answer.
public struct UpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Nothing reached the upstream (connection refused, no such host, bad URL).
        case unreachable
        /// The request was sent and no answer came in time: the upstream may have acted on it.
        case timedOut
        /// The upstream answered with an error (its HTTP status, or 200 with `status: error`).
        case refused(httpStatus: Int)
        /// The upstream answered something that is not OpenAlgo's envelope.
        case badAnswer
        /// The account's sealed API key could not be opened (another server key).
        case credentials
    }

    public var account: String
    public var kind: Kind
    public var message: String

    public init(account: String, kind: Kind, message: String) {
        self.account = account
        self.kind = kind
        self.message = message
    }

    public var description: String {
        switch kind {
        case .unreachable: "Upstream account '\(account)' is unreachable: \(message). Nothing was sent."
        case .timedOut:
            "Upstream account '\(account)' did not answer within the time limit: \(message). The order may have reached it; RealAlgo does not re-send — check its order book."
        case .refused: "Upstream account '\(account)' refused the request: \(message)"
        case .badAnswer: "Upstream account '\(account)' gave an answer RealAlgo cannot read: \(message)"
        case .credentials: "The API key of upstream account '\(account)' cannot be opened: \(message)"
        }
    }
}
