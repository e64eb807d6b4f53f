// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import Hummingbird
import Prometheus
import Schema

/// `GET /metrics`: Prometheus text exposition of everything recorded through swift-metrics
/// (request counts and durations from Hummingbird's MetricsMiddleware) plus RealAlgo's own gauges.
struct MetricsController: Sendable {
    let registry: PrometheusCollectorRegistry
    let databaseURL: URL
    let startedAt: ContinuousClock.Instant
    private let uptime: Gauge
    private let databaseBytes: Gauge

    init(registry: PrometheusCollectorRegistry, databaseURL: URL, startedAt: ContinuousClock.Instant) {
        self.registry = registry
        self.databaseURL = databaseURL
        self.startedAt = startedAt
        registry.makeGauge(name: "realalgo_build_info", labels: [("version", RealAlgoVersion.current)], help: "RealAlgo build; always 1").set(to: 1)
        self.uptime = registry.makeGauge(name: "realalgo_uptime_seconds", help: "Seconds since the server started")
        self.databaseBytes = registry.makeGauge(name: "realalgo_database_bytes", help: "Size of the hub's database file and its WAL, in bytes")
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/metrics") { _, _ in
            let elapsed = ContinuousClock.now - startedAt
            uptime.set(to: Double(elapsed.components.seconds))
            databaseBytes.set(to: Double(fileSize(databaseURL.path) + fileSize(databaseURL.path + "-wal")))
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }

    private func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
