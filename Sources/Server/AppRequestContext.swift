// SPDX-License-Identifier: Apache-2.0
public import Hummingbird

/// The per-request context of every RealAlgo route.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
