// SPDX-License-Identifier: Apache-2.0

/// An address or a CIDR block (`127.0.0.1`, `10.0.0.0/8`, `fd00::/8`): the proxies whose
/// `X-Forwarded-For` the rate limiter believes.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    let base: ClientAddress
    /// Leading bits that must match, out of 128 (an IPv4 prefix is counted after the 96 bits of
    /// the `::ffff:` mapping).
    let prefixLength: Int

    /// Parses an address, or an address and prefix length.
    /// - Returns: nil when the text is not one.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = ClientAddress(parsing: parts[0]) else { return nil }
        let maximum = address.isIPv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...maximum).contains(given) else { return nil }
            length = given
        }
        prefixLength = length + (address.isIPv4 ? 96 : 0)
        let (high, low) = Self.masks(prefixLength)
        base = ClientAddress(high: address.high & high, low: address.low & low)
    }

    func contains(_ address: ClientAddress) -> Bool {
        let (high, low) = Self.masks(prefixLength)
        return address.high & high == base.high && address.low & low == base.low
    }

    public var description: String {
        base.isIPv4 ? "\(base)/\(prefixLength - 96)" : "\(base)/\(prefixLength)"
    }

    private static func masks(_ length: Int) -> (high: UInt64, low: UInt64) {
        func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? .max : ~(UInt64.max >> bits) }
        return (mask(length), mask(length - 64))
    }
}
