// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import NIOCore

/// Who a request comes from, for the rate limiter and the sign-in throttle: the connection's peer,
/// or — only when that peer is a trusted proxy — the client `X-Forwarded-For` names. Anyone can
/// write the header, and believing it from anyone would let a client pick a fresh bucket (or a
/// fresh sign-in allowance) per request.
struct ClientResolver: Sendable {
    let trustedProxies: [IPAddressRange]

    /// The peer, or the client a trusted proxy names. Each proxy appends the address it received
    /// from, so the header reads `client, proxy1, proxy2`; walking from the right past trusted
    /// proxies finds the first address none of ours wrote.
    func client(of request: Request, peer: SocketAddress?) -> ClientAddress {
        let peerAddress = ClientAddress(peer)
        guard !trustedProxies.isEmpty, isTrusted(peerAddress) else { return peerAddress }
        var client = peerAddress
        let entries = request.headers[values: RateLimitRefusal.forwardedFor].flatMap { $0.split(separator: ",") }
        for entry in entries.reversed() {
            // An entry that is not an address ends the walk: what lies left of it is unverifiable.
            guard let address = ClientAddress(parsing: entry) else { break }
            client = address
            if !isTrusted(address) { break }
        }
        return client
    }

    private func isTrusted(_ address: ClientAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}
