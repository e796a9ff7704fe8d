import LogParsing

/// The session key of a hit, as ids of the run's interners (-1 for a part not in the key).
public struct VisitorKey: Hashable, Sendable {
    public var address: Int32
    public var agent: Int32
    public var extra: Int32
}

/// The run's interned values: what the ids of `Hit`s and `VisitorKey`s stand for.
public struct InternedValues {
    public internal(set) var paths = ByteInterner(capacity: 4096)
    public internal(set) var agents = ByteInterner(capacity: 1024)
    public internal(set) var methods = ByteInterner(capacity: 16)
    public internal(set) var addresses = ByteInterner(capacity: 4096)
    public internal(set) var extras = ByteInterner(capacity: 1024)
    public internal(set) var hosts = ByteInterner(capacity: 256)
    /// Query strings, when a matcher has `query`.
    public internal(set) var queries = ByteInterner(capacity: 256)
    /// Referrers' path families, when fitting a configuration.
    public internal(set) var referrerFamilies = ByteInterner(capacity: 256)

    /// A visitor's session key as bytes: each part, then a NUL, so no two keys give the same
    /// bytes (what the history hashes, and `uxchurn map` writes hashed).
    public func keyBytes(_ key: VisitorKey) -> [UInt8] {
        var bytes: [UInt8] = []
        if key.address >= 0 { bytes += addresses.bytes(of: key.address) }
        bytes.append(0)
        if key.agent >= 0 { bytes += agents.bytes(of: key.agent) }
        bytes.append(0)
        if key.extra >= 0 { bytes += extras.bytes(of: key.extra) }
        bytes.append(0)
        return bytes
    }
}

/// Where the hit stage hands each finished session: the statistics.
public protocol SessionSink: AnyObject {
    /// A finished session; its ids stand for `values`.
    func add(_ session: Session, values: InternedValues)
}

/// Where the hit stage hands each hit instead of sessionizing it (`uxchurn map`).
public protocol HitSink: AnyObject {
    func add(_ hit: Hit, key: VisitorKey, values: InternedValues, groups: PageGroups)
}

/// Maps one parser's value ids to the run's.
struct IdTranslation {
    var paths: [Int32] = []
    var agents: [Int32] = []
    var methods: [Int32] = []
    var addresses: [Int32] = []
    var extras: [Int32] = []
    var hosts: [Int32] = []
    var queries: [Int32] = []
    var referrerFamilies: [Int32] = []
}

/// Parsed hits to sessions: each hit's values mapped to the run's ids, its visitor, page group
/// and matchers found, the hits put in time order, cut into sessions, and each finished
/// session handed to the destination's `SessionSink` (`uxchurn map`: each hit to its `HitSink`).
public struct HitStage: ParsedChunkConsumer {
    public private(set) var values = InternedValues()
    /// By input rank, by parser: that parser's ids → the run's.
    private var translations: [[IdTranslation]] = []
    private var visitors = VisitorTable()
    public private(set) var pageGroups: PageGroups
    /// The configured matchers (funnel steps, cart add and purchase), each a bit of `Hit.matches`.
    private let matchers: [(method: String?, pattern: PathPattern, query: PathPattern?)]
    /// Bits of the matchers with a `query`.
    private let queryMatchers: UInt64
    /// Query id → bits of the matchers whose query regex the query matches, once looked at.
    private var queryMatches: [UInt64?] = []
    /// Path id → bits of the matchers whose regex the path matches, once looked at.
    private var pathMatches: [UInt64?] = []
    /// Method id → bits of the matchers that name that method.
    private var methodMatches: [UInt64] = []
    /// Bits of the matchers without a method: they match page views only.
    private let pageViewMatchers: UInt64
    private var reorder: HitReorderBuffer
    private var sessionizer: Sessionizer
    /// `--from` / `--to`: hits outside are not analysed.
    public var window = TimeWindow()
    /// Hits left out by `window`.
    public private(set) var hitsOutsideWindow = 0
    /// The destination's sinks: one of them is set.
    private let sessionSink: (any SessionSink)?
    private let hitSink: (any HitSink)?
    /// Finished sessions, or with `uxchurn map` the hits themselves as they come.
    public enum Destination {
        case sessions(any SessionSink)
        case hits(any HitSink)
    }

    /// - Parameters:
    ///   - pages: the configured page groups, in order.
    ///   - matchers: the configured matchers, each a bit of `Hit.matches` in this order.
    /// - Throws: the error of a regex that does not compile.
    public init(pages: [PageRule], matchers: [HitMatcher], timeoutSeconds: Int64, destination: Destination,
                maxDisorderSeconds: Int64 = 600, automaticGroupLimit: Int = PageGroups.defaultAutomaticLimit) throws {
        pageGroups = try PageGroups(rules: pages.map { ($0.name, $0.path) }, automaticLimit: automaticGroupLimit)
        guard matchers.count <= HitMatcher.limit else { throw HitMatcher.TooMany(count: matchers.count) }
        self.matchers = try matchers.map { ($0.method, try PathPattern($0.path, syntaxChecked: true), try $0.query.map { try PathPattern($0, syntaxChecked: true) }) }
        queryMatchers = matchers.enumerated().reduce(0) { mask, item in
            item.element.query != nil ? mask | (1 << UInt64(item.offset)) : mask
        }
        pageViewMatchers = matchers.enumerated().reduce(0) { mask, item in
            item.element.method == nil ? mask | (1 << UInt64(item.offset)) : mask
        }
        reorder = HitReorderBuffer(maxDisorder: maxDisorderSeconds)
        sessionizer = Sessionizer(timeoutSeconds: timeoutSeconds)
        switch destination {
        case let .sessions(sink):
            sessionSink = sink
            hitSink = nil
        case let .hits(sink):
            sessionSink = nil
            hitSink = sink
        }
    }

    /// Fitting a configuration: each hit carries its query string's id (`Hit.fittingQuery`)
    /// instead of the matchers it matches.
    public var carriesQueries = false

    /// Distinct visitors among the hits.
    public var visitorCount: Int { visitors.count }
    /// By visitor id: each visitor's session key.
    public var visitorKeys: [VisitorKey] { visitors.keys }
    /// Hits that came more than the allowed disorder out of order.
    public var lateHits: Int { reorder.lateHits }

    /// Hits whose visitor keys `absorb` works out (and whose table slots it fetches) ahead.
    private static let keyBlock = 32

    public mutating func absorb(_ chunk: ChunkResult, worker: Int, inputRank: Int) {
        while translations.count <= inputRank { translations.append([]) }
        while translations[inputRank].count <= worker { translations[inputRank].append(IdTranslation()) }
        // Taken out of the list so that appending to it does not copy the arrays.
        var table = IdTranslation()
        swap(&table, &translations[inputRank][worker])
        defer { swap(&table, &translations[inputRank][worker]) }
        func add(_ new: [[UInt8]], to map: inout [Int32], in interner: inout ByteInterner) {
            for value in new { map.append(value.withUnsafeBytes { interner.intern($0).id }) }
        }
        add(chunk.newValues.paths, to: &table.paths, in: &values.paths)
        add(chunk.newValues.agents, to: &table.agents, in: &values.agents)
        add(chunk.newValues.methods, to: &table.methods, in: &values.methods)
        add(chunk.newValues.addresses, to: &table.addresses, in: &values.addresses)
        add(chunk.newValues.extras, to: &table.extras, in: &values.extras)
        add(chunk.newValues.hosts, to: &table.hosts, in: &values.hosts)
        add(chunk.newValues.queries, to: &table.queries, in: &values.queries)
        add(chunk.newValues.referrerFamilies, to: &table.referrerFamilies, in: &values.referrerFamilies)
        let rank = Int32(inputRank)
        // The hits go in blocks: first each one's visitor key, with its table slot's read
        // started (`prefetch`), then the hits themselves. A big visitor table's reads are
        // cache misses; started together they overlap instead of stalling one hit after another.
        var keys = [VisitorKey](repeating: VisitorKey(address: -1, agent: -1, extra: -1), count: Self.keyBlock)
        for (index, raw) in chunk.hits.enumerated() {
            if index % Self.keyBlock == 0 {
                for (offset, ahead) in chunk.hits[index..<min(index + Self.keyBlock, chunk.hits.count)].enumerated() {
                    let key = VisitorKey(address: ahead.address >= 0 ? table.addresses[Int(ahead.address)] : -1,
                                         agent: ahead.agent >= 0 ? table.agents[Int(ahead.agent)] : -1,
                                         extra: ahead.extra >= 0 ? table.extras[Int(ahead.extra)] : -1)
                    visitors.prefetch(key)
                    keys[offset] = key
                }
            }
            guard window.contains(utc: raw.time, offsetMinutes: raw.offsetMinutes) else {
                hitsOutsideWindow += 1
                continue
            }
            let visitorKey = keys[index % Self.keyBlock]
            let agent = visitorKey.agent
            let visitor = visitors.id(of: visitorKey)
            let path = table.paths[Int(raw.path)]
            let group = raw.isPageView ? pageGroups.group(ofPath: path) { values.paths.string(of: path) } : -1
            var hit = Hit(time: raw.time, offsetMinutes: raw.offsetMinutes, inputRank: rank,
                          line: Int64(chunk.lineBase) + Int64(raw.line), visitor: visitor, isPageView: raw.isPageView,
                          status: raw.status, responseMicroseconds: raw.responseMicroseconds, path: path, group: group,
                          method: raw.method >= 0 ? table.methods[Int(raw.method)] : -1, agent: agent,
                          referrerHost: raw.referrerHost >= 0 ? table.hosts[Int(raw.referrerHost)] : -1)
            let query = raw.query >= 0 ? table.queries[Int(raw.query)] : -1
            hit.matches = carriesQueries ? UInt64(query + 1) : matches(path: path, method: hit.method, isPageView: raw.isPageView, query: query)
            hit.isProbe = raw.isProbe
            hit.target = raw.target
            if raw.referrerFamily >= 0 { hit.referrerFamily = table.referrerFamilies[Int(raw.referrerFamily)] }
            if let hitSink {
                hitSink.add(hit, key: visitorKey, values: values, groups: pageGroups)
                continue
            }
            var late: Hit?
            reorder.add(hit) { late = $0 }
            if let late { sessionize(late) }
        }
    }

    /// The bits of the matchers this hit matches: its path matches the regex, and the method
    /// is the matcher's, or the matcher names none and the hit is a page view; and the query
    /// matches the matcher's `query`, if it has one.
    private mutating func matches(path: Int32, method: Int32, isPageView: Bool, query: Int32) -> UInt64 {
        guard !matchers.isEmpty else { return 0 }
        let index = Int(path)
        if index >= pathMatches.count { pathMatches.append(contentsOf: repeatElement(nil, count: index + 1 - pathMatches.count)) }
        let pathMask: UInt64
        if let known = pathMatches[index] {
            pathMask = known
        } else {
            let text = values.paths.string(of: path)
            var mask: UInt64 = 0
            for (bit, matcher) in matchers.enumerated() where matcher.pattern.matches(text) { mask |= 1 << UInt64(bit) }
            pathMatches[index] = mask
            pathMask = mask
        }
        var methodMask: UInt64 = 0
        if method >= 0 {
            while methodMatches.count <= Int(method) {
                let name = values.methods.string(of: Int32(methodMatches.count)).uppercased()
                var mask: UInt64 = 0
                for (bit, matcher) in matchers.enumerated() where matcher.method == name { mask |= 1 << UInt64(bit) }
                methodMatches.append(mask)
            }
            methodMask = methodMatches[Int(method)]
        }
        let mask = pathMask & ((isPageView ? pageViewMatchers : 0) | methodMask)
        guard mask & queryMatchers != 0 else { return mask }
        return mask & (~queryMatchers | queryMask(query))
    }

    /// The bits of the matchers with a `query` that `query` matches (none for -1).
    private mutating func queryMask(_ query: Int32) -> UInt64 {
        guard query >= 0 else { return 0 }
        let index = Int(query)
        if index >= queryMatches.count { queryMatches.append(contentsOf: repeatElement(nil, count: index + 1 - queryMatches.count)) }
        if let known = queryMatches[index] { return known }
        let text = values.queries.string(of: query)
        var mask: UInt64 = 0
        for (bit, matcher) in matchers.enumerated() where matcher.query?.matches(text) == true { mask |= 1 << UInt64(bit) }
        queryMatches[index] = mask
        return mask
    }

    /// Passes on every held hit that no hit to come can precede.
    public mutating func release(upTo bound: Int64?) {
        // The buffer is taken out of `self` while it lends its released hits to the sessionizer
        // (no copy of them); the sessions they end are handed on after, in the order they ended.
        var buffer = HitReorderBuffer()
        swap(&buffer, &reorder)
        var finished: [Session] = []
        buffer.releaseAll(upTo: bound) { hits in sessionizer.add(hits) { finished.append($0) } }
        swap(&buffer, &reorder)
        if bound != nil {
            sessionizer.closeIdle(before: reorder.releasedBefore) { finished.append($0) }
        }
        for session in finished { hand(session) }
    }

    public mutating func finish() {
        release(upTo: nil)
        var finished: [Session] = []
        sessionizer.finish { finished.append($0) }
        for session in finished { hand(session) }
    }

    private mutating func sessionize(_ hit: Hit) {
        var finished: Session?
        sessionizer.add(hit) { finished = $0 }
        if let finished { hand(finished) }
    }

    private func hand(_ session: Session) {
        sessionSink?.add(session, values: values)
    }
}
