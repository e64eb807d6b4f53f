// SPDX-License-Identifier: Apache-2.0
public import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends one JSON POST to an upstream and returns its answer. The order path talks to upstreams
/// only through this, so tests can stand in for the network (an upstream is not our component).
public protocol UpstreamTransport: Sendable {
    /// - Throws: ``UpstreamTransportFailure``.
    func post(_ url: URL, body: Data, timeout: Duration) async throws -> (status: Int, body: Data)
}

/// What went wrong below HTTP.
public enum UpstreamTransportFailure: Error, Sendable, Equatable {
    /// The request never left (refused, unknown host): the upstream cannot have acted on it.
    case unreachable(String)
    /// Sent, but no answer in time.
    case timedOut(String)
}

/// ``UpstreamTransport`` over Foundation's `URLSession` (libcurl on Linux): no extra package to
/// build, timeouts per request, no cookies or caches, and no redirects followed blindly.
public final class URLSessionTransport: UpstreamTransport {
    private let session: URLSession

    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.httpMaximumConnectionsPerHost = 8
        session = URLSession(configuration: configuration)
    }

    public func post(_ url: URL, body: Data, timeout: Duration) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.timeoutInterval = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw UpstreamTransportFailure.unreachable("not an HTTP answer") }
            return (http.statusCode, data)
        } catch let error as URLError {
            switch error.code {
            case .timedOut, .networkConnectionLost: throw UpstreamTransportFailure.timedOut(error.localizedDescription)
            default: throw UpstreamTransportFailure.unreachable("\(error.code.rawValue): \(error.localizedDescription)")
            }
        }
    }
}
