// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of the main port's WebSocket router: Hummingbird's basic one plus the
/// connection's channel, which ``FeedSession`` writes market data to directly.
struct MarketDataRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }
}
