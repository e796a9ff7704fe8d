import Analysis
import History
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
    private var visitors = VisitorTable()
    private var deviceOfAgent: [Device] = []
    public private(set) var pageGroups: PageGroups
    /// The configured matchers (funnel steps, cart add and purchase), each a bit of `Hit.matches`.
    private let matchers: [(method: String?, pattern: PathPattern)]
    /// Path id → bits of the matchers whose regex the path matches, once looked at.
    private var pathMatches: [UInt64?] = []
    /// Method id → bits of the matchers that name that method.
    private var methodMatches: [UInt64] = []
    /// Bits of the matchers without a method: they match page views only.
    private let pageViewMatchers: UInt64
    private var reorder: HitReorderBuffer
    private var sessionizer: Sessionizer
    public private(set) var statistics: SessionStatistics
    /// Per path family figures for `uxchurn init LOGS` and the zero-configuration advice.
    var advice: AdviceCollector?
    /// `--from` / `--to`: hits outside are not analysed.
    var window = TimeWindow()
    /// Hits left out by `window`.
    public private(set) var hitsOutsideWindow = 0
    /// Fold sessions into the statistics on a second thread (with `--jobs` 2 or more).
    var foldInBackground = false
    private var statisticsThread: StatisticsThread?
    /// `uxchurn map`: hits are written out as they come instead of being sessionized.
    var mapOutput: MapOutput?

    /// - Throws: the error of a regex that does not compile.
    public init(configuration: Configuration, maxDisorderSeconds: Int64 = 600,
                automaticGroupLimit: Int = PageGroups.defaultAutomaticLimit) throws {
        pageGroups = try PageGroups(rules: configuration.pages.map { ($0.name, $0.path) }, automaticLimit: automaticGroupLimit)
        reorder = HitReorderBuffer(maxDisorder: maxDisorderSeconds)
        sessionizer = Sessionizer(timeoutSeconds: Int64(configuration.sessionTimeoutSeconds.rounded(.down)))
        let bits = Self.matcherBits(configuration)
        matchers = try bits.matchers.map { ($0.method, try PathPattern($0.path)) }
        pageViewMatchers = bits.matchers.enumerated().reduce(0) { mask, item in
            item.element.method == nil ? mask | (1 << UInt64(item.offset)) : mask
        }
        statistics = Self.statistics(configuration)
    }

    /// Empty statistics for a configuration: its funnels and cart, each step a matcher bit.
    static func statistics(_ configuration: Configuration) -> SessionStatistics {
        let bits = matcherBits(configuration)
        let funnels = configuration.funnels.enumerated().map { index, funnel in
            FunnelSteps(name: funnel.name, stepNames: funnel.steps.map(\.name), stepBits: bits.funnelBits[index])
        }
        let cart = bits.cartBits.map { CartStatistics(addBit: $0.add, purchaseBit: $0.purchase) }
        return SessionStatistics(apdexMilliseconds: configuration.apdexThresholdMilliseconds,
                                 configuredGroups: configuration.pages.count, funnels: funnels, cart: cart)
    }

    /// The most distinct matchers a configuration may have (bits of `Hit.matches`).
    public static let maxMatchers = 64

    /// Gives each distinct matcher of the configuration a bit.
    static func matcherBits(_ configuration: Configuration)
        -> (matchers: [HitMatcher], funnelBits: [[Int]], cartBits: (add: Int, purchase: Int)?) {
        var matchers: [HitMatcher] = []
        func bit(_ matcher: HitMatcher) -> Int {
            if let index = matchers.firstIndex(of: matcher) { return index }
            matchers.append(matcher)
            return matchers.count - 1
        }
        let funnelBits = configuration.funnels.map { $0.steps.map { bit($0.matcher) } }
        let cartBits = configuration.cart.map { (add: bit($0.add), purchase: bit($0.purchase)) }
        return (matchers, funnelBits, cartBits)
    }

    /// Each visitor's retention record, keyed by the keyed hash of its session key (address,
    /// user agent, extra part): what the state stores instead of the key itself.
    func hashedVisitors(_ hasher: SipHash24) -> [UInt64: VisitorRecord] {
        let records = statistics.visitors.records()
        var out: [UInt64: VisitorRecord] = [:]
        out.reserveCapacity(visitors.count)
        for (id, key) in visitors.keys.enumerated() {
            guard id < records.count, let record = records[id] else { continue }
            // Each part, then a NUL: no two keys give the same bytes.
            var bytes: [UInt8] = []
            if key.address >= 0 { bytes += addresses.bytes(of: key.address) }
            bytes.append(0)
            if key.agent >= 0 { bytes += agents.bytes(of: key.agent) }
            bytes.append(0)
            if key.extra >= 0 { bytes += extras.bytes(of: key.extra) }
            bytes.append(0)
            out[hasher.hash(bytes)] = record
        }
        return out
    }

    /// What the run's figures come from, with the ingest's line counts.
    func result(ingest: IngestResult) -> PartialResult {
        var result = PartialResult(ingest: ingest, statistics: statistics, groupNames: pageGroups.names,
                                   configuredGroups: pageGroups.configuredCount,
                                   hostNames: (0..<hosts.count).map { hosts.string(of: Int32($0)) }, visitorKeys: [],
                                   visitorCount: visitors.count, hitsOutsideWindow: hitsOutsideWindow, advice: advice)
        result.lateHits = lateHits
        return result
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
        // Taken out of the dictionary so that growing it does not copy the arrays.
        var table = translations.removeValue(forKey: key) ?? IdTranslation()
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
            guard window.contains(utc: raw.time, offsetMinutes: raw.offsetMinutes) else {
                hitsOutsideWindow += 1
                continue
            }
            let agent = raw.agent >= 0 ? table.agents[Int(raw.agent)] : -1
            let visitorKey = VisitorKey(address: raw.address >= 0 ? table.addresses[Int(raw.address)] : -1,
                                        agent: agent, extra: raw.extra >= 0 ? table.extras[Int(raw.extra)] : -1)
            let visitor = visitors.id(of: visitorKey)
            let path = table.paths[Int(raw.path)]
            let group = raw.isPageView ? pageGroups.group(ofPath: path) { paths.string(of: path) } : -1
            var hit = Hit(time: raw.time, offsetMinutes: raw.offsetMinutes, inputRank: rank,
                          line: Int64(chunk.lineBase) + Int64(raw.line), visitor: visitor, isPageView: raw.isPageView,
                          status: raw.status, responseMicroseconds: raw.responseMicroseconds, path: path, group: group,
                          method: raw.method >= 0 ? table.methods[Int(raw.method)] : -1, agent: agent,
                          referrerHost: raw.referrerHost >= 0 ? table.hosts[Int(raw.referrerHost)] : -1)
            hit.matches = matches(path: path, method: hit.method, isPageView: raw.isPageView)
            if let mapOutput {
                emit(hit, key: visitorKey, to: mapOutput)
                continue
            }
            var late: Hit?
            reorder.add(hit) { late = $0 }
            if let late { sessionize(late) }
        }
    }

    /// The bits of the matchers this hit matches: its path matches the regex, and the method
    /// is the matcher's, or the matcher names none and the hit is a page view.
    private mutating func matches(path: Int32, method: Int32, isPageView: Bool) -> UInt64 {
        guard !matchers.isEmpty else { return 0 }
        let index = Int(path)
        if index >= pathMatches.count { pathMatches.append(contentsOf: repeatElement(nil, count: index + 1 - pathMatches.count)) }
        let pathMask: UInt64
        if let known = pathMatches[index] {
            pathMask = known
        } else {
            let text = paths.string(of: path)
            var mask: UInt64 = 0
            for (bit, matcher) in matchers.enumerated() where matcher.pattern.matches(text) { mask |= 1 << UInt64(bit) }
            pathMatches[index] = mask
            pathMask = mask
        }
        var methodMask: UInt64 = 0
        if method >= 0 {
            while methodMatches.count <= Int(method) {
                let name = methods.string(of: Int32(methodMatches.count)).uppercased()
                var mask: UInt64 = 0
                for (bit, matcher) in matchers.enumerated() where matcher.method == name { mask |= 1 << UInt64(bit) }
                methodMatches.append(mask)
            }
            methodMask = methodMatches[Int(method)]
        }
        return pathMask & ((isPageView ? pageViewMatchers : 0) | methodMask)
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
        if let thread = statisticsThread {
            statistics = thread.finish()
            statisticsThread = nil
        }
    }

    private mutating func sessionize(_ hit: Hit) {
        var finished: Session?
        sessionizer.add(hit) { finished = $0 }
        if let finished { fold(finished) }
    }

    private mutating func fold(_ session: Session) {
        let device = device(of: session.hits.first?.agent ?? -1)
        if foldInBackground, statisticsThread == nil {
            statisticsThread = StatisticsThread(statistics)
            foldInBackground = statisticsThread != nil
        }
        if let thread = statisticsThread {
            thread.add(session, device: device)
        } else {
            statistics.add(session, device: device)
        }
        // Taken out and put back: neither the collector nor the path interner is copied (a
        // copy retained and released each of their buffers, per session).
        if var collector = advice.take() {
            collector.add(session) { paths.string(of: $0) }
            advice = collector
        }
    }

    private mutating func device(of agent: Int32) -> Device {
        guard agent >= 0 else { return .desktop }
        while deviceOfAgent.count <= Int(agent) {
            deviceOfAgent.append(Device(userAgent: agents.string(of: Int32(deviceOfAgent.count))))
        }
        return deviceOfAgent[Int(agent)]
    }
}
