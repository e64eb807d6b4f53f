// SPDX-License-Identifier: Apache-2.0
public import Hummingbird
public import NIOCore

/// The per-request context of every RealAlgo route.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Kept so the peer address is read only when something asks (the rate limiter), not on
    /// every request.
    private let channel: any Channel

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The connection's peer: the client, or the reverse proxy in front of RealAlgo.
    public var remoteAddress: SocketAddress? { channel.remoteAddress }
}
