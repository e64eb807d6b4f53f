// SPDX-License-Identifier: Apache-2.0
import NIOCore

/// A client's IP address as the rate limiter keys it: 16 bytes, with IPv4 stored as its IPv4-mapped
/// IPv6 form (`::ffff:a.b.c.d`), so a client seen through a dual-stack socket and through an
/// `X-Forwarded-For` text gets one bucket. Hashing two integers is far cheaper than formatting the
/// address as text on every request.
struct ClientAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address's first and last 8 bytes, read as big-endian numbers (so prefixes are bit masks).
    let high: UInt64
    let low: UInt64

    /// Where no address is known (a Unix socket, an in-process test): all such clients share one bucket.
    static let unknown = ClientAddress(high: 0, low: 0)

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    init(ipv4 bigEndianBytes: UInt32) {
        self.init(high: 0, low: 0xFFFF_0000_0000 | UInt64(bigEndianBytes))
    }

    /// The peer of a connection; ``unknown`` for none or a Unix socket.
    init(_ address: SocketAddress?) {
        switch address {
        // The address bytes are read at their offsets in `sockaddr_in` (4) and `sockaddr_in6` (8),
        // the same on Linux and the BSDs, rather than through `sin_addr`/`sin6_addr`: which C
        // module those members come from (Glibc or NIO's own shim) varies between builds, and
        // member import visibility then refuses them.
        case .v4(let v4)?:
            self = withUnsafeBytes(of: v4.address) { ClientAddress(ipv4: UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self))) }
        case .v6(let v6)?:
            self = withUnsafeBytes(of: v6.address) { bytes in
                ClientAddress(
                    high: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                    low: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
            }
        default:
            self = .unknown
        }
    }

    /// Parses `203.0.113.7` or `2001:db8::1`, also as written in `X-Forwarded-For` by some proxies:
    /// `[2001:db8::1]`, `[2001:db8::1]:443` or `203.0.113.7:5000`.
    init?(parsing text: some StringProtocol) {
        var text = Substring(text).drop(while: \.isWhitespace)
        while text.last?.isWhitespace == true { text = text.dropLast() }
        if text.first == "[", let close = text.firstIndex(of: "]") {
            text = text[text.index(after: text.startIndex)..<close]
        } else if text.contains("."), let colon = text.firstIndex(of: ":"), text.lastIndex(of: ":") == colon {
            text = text[..<colon]
        }
        guard let address = try? SocketAddress(ipAddress: String(text), port: 0) else { return nil }
        self.init(address)
    }

    /// The IPv4 address when this is an IPv4-mapped one.
    var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }

    var description: String {
        if isIPv4 {
            return [24, 16, 8, 0].map { String((low >> $0) & 0xFF) }.joined(separator: ".")
        }
        let groups = [high, low].flatMap { word in [48, 32, 16, 0].map { String((word >> $0) & 0xFFFF, radix: 16) } }
        return groups.joined(separator: ":")
    }
}
