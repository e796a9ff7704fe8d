import Analysis
import LogParsing
import Sessions

/// The session key of a hit, as ids of the run's interners (-1 for a part not in the key).
struct VisitorKey: Hashable {
    var address: Int32
    var agent: Int32
    var extra: Int32
}

/// Maps one parser's value ids to the run's.
struct IdTranslation {
    var paths: [Int32] = []
    var agents: [Int32] = []
    var methods: [Int32] = []
    var addresses: [Int32] = []
    var extras: [Int32] = []
    var hosts: [Int32] = []
}

/// Everything after parsing: hits from the parsers, with their values mapped to the run's ids,
/// put in order, cut into sessions, and folded into the statistics.
public struct HitStage {
    var paths = ByteInterner(capacity: 4096)
    var agents = ByteInterner(capacity: 1024)
    var methods = ByteInterner(capacity: 16)
    var addresses = ByteInterner(capacity: 4096)
    var extras = ByteInterner(capacity: 1024)
    var hosts = ByteInterner(capacity: 256)
    private var translations: [Int: IdTranslation] = [:]
    private var visitors: [VisitorKey: Int32] = [:]
    private var deviceOfAgent: [Device] = []
    public private(set) var pageGroups: PageGroups
    private var reorder: HitReorderBuffer
    private var sessionizer: Sessionizer
    public private(set) var statistics: SessionStatistics

    /// - Throws: the error of a `pages` regex that does not compile.
    public init(configuration: Configuration, maxDisorderSeconds: Int64 = 600) throws {
        pageGroups = try PageGroups(rules: configuration.pages.map { ($0.name, $0.path) })
        reorder = HitReorderBuffer(maxDisorder: maxDisorderSeconds)
        sessionizer = Sessionizer(timeoutSeconds: Int64(configuration.sessionTimeoutSeconds.rounded(.down)))
        statistics = SessionStatistics(apdexMilliseconds: configuration.apdexThresholdMilliseconds,
                                       configuredGroups: configuration.pages.count)
    }

    /// Distinct visitors among the hits.
    public var visitorCount: Int { visitors.count }
    /// Hits that came more than the allowed disorder out of order.
    public var lateHits: Int { reorder.lateHits }
    public var peakOpenSessions: Int { sessionizer.peakOpenSessions }

    /// The text of a referrer host id.
    public func host(_ id: Int32) -> String? { id < 0 ? nil : hosts.string(of: id) }

    mutating func absorb(_ chunk: ChunkResult, worker: Int, input: InputCursor) {
        let key = input.rank * 1024 + worker
        var table = translations[key] ?? IdTranslation()
        func add(_ values: [[UInt8]], to map: inout [Int32], in interner: inout ByteInterner) {
            for value in values { map.append(value.withUnsafeBytes { interner.intern($0).id }) }
        }
        add(chunk.newValues.paths, to: &table.paths, in: &paths)
        add(chunk.newValues.agents, to: &table.agents, in: &agents)
        add(chunk.newValues.methods, to: &table.methods, in: &methods)
        add(chunk.newValues.addresses, to: &table.addresses, in: &addresses)
        add(chunk.newValues.extras, to: &table.extras, in: &extras)
        add(chunk.newValues.hosts, to: &table.hosts, in: &hosts)
        translations[key] = table
        let rank = Int32(input.rank)
        for raw in chunk.hits {
            let agent = raw.agent >= 0 ? table.agents[Int(raw.agent)] : -1
            let visitorKey = VisitorKey(address: raw.address >= 0 ? table.addresses[Int(raw.address)] : -1,
                                        agent: agent, extra: raw.extra >= 0 ? table.extras[Int(raw.extra)] : -1)
            let visitor: Int32
            if let known = visitors[visitorKey] {
                visitor = known
            } else {
                visitor = Int32(visitors.count)
                visitors[visitorKey] = visitor
            }
            let path = table.paths[Int(raw.path)]
            let group = raw.isPageView ? pageGroups.group(ofPath: path) { paths.string(of: path) } : -1
            let hit = Hit(time: raw.time, offsetMinutes: raw.offsetMinutes, inputRank: rank,
                          line: Int64(chunk.lineBase) + Int64(raw.line), visitor: visitor, isPageView: raw.isPageView,
                          status: raw.status, responseMicroseconds: raw.responseMicroseconds, path: path, group: group,
                          method: raw.method >= 0 ? table.methods[Int(raw.method)] : -1, agent: agent,
                          referrerHost: raw.referrerHost >= 0 ? table.hosts[Int(raw.referrerHost)] : -1)
            var late: Hit?
            reorder.add(hit) { late = $0 }
            if let late { sessionize(late) }
        }
    }

    /// Passes on every held hit that no hit to come can precede.
    mutating func release(upTo bound: Int64?) {
        // The buffer is taken out of `self` while it delivers, so each hit goes straight on
        // without a copy of the released hits.
        var buffer = HitReorderBuffer()
        swap(&buffer, &reorder)
        buffer.release(upTo: bound) { sessionize($0) }
        swap(&buffer, &reorder)
        if bound != nil {
            var finished: [Session] = []
            sessionizer.closeIdle(before: reorder.releasedBefore) { finished.append($0) }
            for session in finished { fold(session) }
        }
    }

    mutating func finish() {
        release(upTo: nil)
        var finished: [Session] = []
        sessionizer.finish { finished.append($0) }
        for session in finished { fold(session) }
    }

    private mutating func sessionize(_ hit: Hit) {
        var finished: Session?
        sessionizer.add(hit) { finished = $0 }
        if let finished { fold(finished) }
    }

    private mutating func fold(_ session: Session) {
        statistics.add(session, device: device(of: session.hits.first?.agent ?? -1))
    }

    private mutating func device(of agent: Int32) -> Device {
        guard agent >= 0 else { return .desktop }
        while deviceOfAgent.count <= Int(agent) {
            deviceOfAgent.append(Device(userAgent: agents.string(of: Int32(deviceOfAgent.count))))
        }
        return deviceOfAgent[Int(agent)]
    }
}
