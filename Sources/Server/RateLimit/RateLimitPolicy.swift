// SPDX-License-Identifier: Apache-2.0

/// Which bucket a request path counts against, as OpenAlgo's decorators assign them. Only
/// `/api/v1` and below is limited; health, metrics, the browser app and `/ws` never are.
///
/// This runs on every request, so it works on the path's UTF-8 bytes: a `Substring` dictionary
/// lookup cost several times more (String hashing), measured at about 250 ns against 40 ns.
enum RateLimitPolicy {
    /// The category of `path`, or nil when the path is not rate-limited.
    ///
    /// A trailing slash is ignored (the router accepts both forms). An unknown `/api/v1/` path
    /// counts as `api`, so probing for endpoints is throttled like any other call.
    static func category(forPath path: String) -> RateLimitCategory? {
        var path = path
        return path.withUTF8 { bytes in
            guard bytes.starts(with: prefix) else { return nil }
            var name = bytes[prefix.count...]
            guard let separator = name.first else { return .api }
            guard separator == UInt8(ascii: "/") else { return nil }  // "/api/v1x" is not the API
            name = name.dropFirst()
            if name.last == UInt8(ascii: "/") { name = name.dropLast() }
            if let entry = endpoints[hash(name)], entry.name.elementsEqual(name) { return entry.category }
            guard name.starts(with: strategy) else { return .api }
            let afterStrategy = name.index(name.startIndex, offsetBy: strategy.count)
            return afterStrategy == name.endIndex || name[afterStrategy] == UInt8(ascii: "/") ? .strategy : .api
        }
    }

    private static let prefix = Array("/api/v1".utf8)
    private static let strategy = Array("strategy".utf8)

    /// Endpoints outside `api`, keyed by ``hash(_:)`` of their name; a hit is confirmed byte for
    /// byte, so a collision with an unknown name cannot misfile it.
    private static let endpoints: [UInt64: (name: [UInt8], category: RateLimitCategory)] = {
        let names: [(String, RateLimitCategory)] = [
            ("placeorder", .orders), ("modifyorder", .orders), ("cancelorder", .orders),
            ("optionsorder", .orders), ("optionsmultiorder", .orders),
            ("placegttorder", .orders), ("modifygttorder", .orders), ("cancelgttorder", .orders),
            ("placesmartorder", .smartOrders),
            ("optiongreeks", .greeks), ("multioptiongreeks", .greeks),
            ("telegram/notify", .telegram),
            ("whatsapp/notify", .whatsapp),
        ]
        return Dictionary(uniqueKeysWithValues: names.map { name, category in (hash(name.utf8), (Array(name.utf8), category)) })
    }()

    /// FNV-1a: a few multiplications for a short name, where `Hasher` would dominate the lookup.
    private static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
