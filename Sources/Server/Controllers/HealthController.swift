// SPDX-License-Identifier: Apache-2.0
import Core
import Hummingbird
import LuaBridge
import Schema

/// `GET /health`: is the server up, is its database reachable, what is it running.
/// 200 when healthy, 503 when the database cannot be read (load balancers stop sending traffic).
struct HealthController: Sendable {
    let store: Store
    let migrations: MigrationRunner
    let modules: Set<AppModule>
    let startedAt: ContinuousClock.Instant

    struct Health: Encodable {
        let status: String
        let service = "RealAlgo"
        let version = RealAlgoVersion.current
        let uptimeSeconds: Double
        let database: Database
        let lua: String
        let modules: [String]

        enum CodingKeys: String, CodingKey {
            case status, service, version, database, lua, modules
            case uptimeSeconds = "uptime_seconds"
        }
    }

    struct Database: Encodable {
        let status: String
        let schema: String?
        let error: String?
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in try await self.health() }
    }

    func health() async throws -> Response {
        let database: Database
        do {
            let statuses = try await migrations.status(of: store)
            let pending = statuses.filter { $0.state != .applied }.count
            database = Database(status: "ok", schema: pending == 0 ? "up to date" : "\(pending) migrations not applied", error: nil)
        } catch {
            database = Database(status: "unreachable", schema: nil, error: String(describing: error))
        }
        let healthy = database.status == "ok"
        let uptime = ContinuousClock.now - startedAt
        let body = Health(
            status: healthy ? "ok" : "error",
            uptimeSeconds: uptime.inSeconds,
            database: database,
            lua: LuaRuntime.version,
            modules: modules.sorted().map(\.name))
        return try JSONResponse.make(body, status: healthy ? .ok : .serviceUnavailable)
    }
}
