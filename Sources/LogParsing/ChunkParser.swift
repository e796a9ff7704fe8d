#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LogInput

/// A hit as a parser thread sees it: values are ids of that parser's own interners. The
/// fields are laid out widest first, so no padding comes between them (a stride of 64 bytes,
/// 62 used).
public struct RawHit: Sendable {
    public var time: Int64
    public var responseMicroseconds: Int64
    /// The physical line within the chunk, 1-based.
    public var line: Int32
    public var path: Int32
    public var method: Int32
    public var agent: Int32
    public var address: Int32
    public var extra: Int32
    public var referrerHost: Int32
    /// The query string (the target after `?`, up to `#`; empty without one), when the
    /// configuration matches queries; else -1.
    public var query: Int32 = -1
    /// The referrer's path family (`/image/`, `/about`, `/`), when asked for; else -1.
    public var referrerFamily: Int32 = -1
    /// The target's hash (`Classifier.targetHash`), for the frustration signals.
    public var target: UInt32 = 0
    public var offsetMinutes: Int16
    public var status: Int16
    public var isPageView: Bool
    /// The path is a probe's (`probes`): the hit marks a scanner's session.
    public var isProbe = false

    public init(time: Int64, offsetMinutes: Int16, isPageView: Bool, status: Int16, line: Int32, responseMicroseconds: Int64,
                path: Int32, method: Int32, agent: Int32, address: Int32, extra: Int32, referrerHost: Int32) {
        self.time = time
        self.responseMicroseconds = responseMicroseconds
        self.line = line
        self.path = path
        self.method = method
        self.agent = agent
        self.address = address
        self.extra = extra
        self.referrerHost = referrerHost
        self.offsetMinutes = offsetMinutes
        self.status = status
        self.isPageView = isPageView
    }
}

/// Values a parser interned for the first time in a chunk, in id order, so the run can map
/// the parser's ids to its own.
public struct NewValues: Sendable {
    public var paths: [[UInt8]] = []
    public var agents: [[UInt8]] = []
    public var methods: [[UInt8]] = []
    public var addresses: [[UInt8]] = []
    public var extras: [[UInt8]] = []
    public var hosts: [[UInt8]] = []
    public var queries: [[UInt8]] = []
    public var referrerFamilies: [[UInt8]] = []
}

/// What one chunk held: counts, period, samples and hits, with line numbers relative to the chunk.
public struct ChunkResult: Sendable {
    /// Physical lines, blank ones included, for numbering the next chunk's lines.
    public var physicalLines = 0
    /// Physical lines of the input before this chunk (set when the chunk is taken, in order).
    public var lineBase = 0
    public var counts = LineCounts()
    /// Up to five skipped lines: 1-based line number within the chunk, text, and why.
    public var samples: [(line: Int, text: String, reason: String?)] = []
    public var hits: [RawHit] = []
    public var newValues = NewValues()
    /// Bytes of the input file read when the chunk was cut.
    public var consumed = 0
}

/// Parses and classifies the lines of chunks: the per-line loop, free of shared state, so it
/// can run on any thread.
public struct ChunkParser {
    let parser: LineParser
    var classifier: Classifier
    let maxLineLength: Int
    let keyAddress: Bool
    let keyAgent: Bool
    /// The session key's third part: 0 none, 1 `user`, 2 a cookie.
    let keyExtra: Int
    var fields = ParsedLine()
    /// The format names the virtual host (`%v`): lines are counted by it.
    private let countsHosts: Bool
    var addresses = ByteInterner(capacity: 4096)
    var extras = ByteInterner(capacity: 1024)
    var hosts = ByteInterner(capacity: 256)
    /// Query strings, when the configuration matches them (`internQueries`).
    var queries = ByteInterner(capacity: 256)
    let internQueries: Bool
    /// Referrers' path families, when fitting a configuration.
    var referrerFamilies = ByteInterner(capacity: 256)
    let internReferrerFamilies: Bool
    private var sent = [0, 0, 0, 0, 0, 0, 0, 0]
    /// The last referrer host as written (before lower-casing) and its id: most hits name the
    /// shop itself, so most lines compare their host with it and skip the lower-casing and the hash.
    private var lastHost: [UInt8] = []
    private var lastHostID: Int32 = -1
    /// Hits of the last chunk: room is made for about as many, so the list is not regrown.
    private var lastHitCount = 0

    public init(format: LogFormat, options: IngestOptions) throws {
        var cookie: String?
        var extra = 0
        for part in options.sessionKey {
            if case let .cookie(name) = part { cookie = name; extra = 2 }
            if case .user = part { extra = 1 }
        }
        parser = LineParser(format: format, cookieName: cookie, timeZone: options.timeZone)
        classifier = try Classifier(format: format, ignorePatterns: options.ignore, extraBotTokens: options.bots,
                                    probePatterns: options.probes)
        internQueries = options.internQueries
        internReferrerFamilies = options.referrerFamilies
        maxLineLength = options.maxLineLength
        keyAddress = options.sessionKey.contains(.ip)
        keyAgent = options.sessionKey.contains(.userAgent)
        countsHosts = format.has(.host)
        keyExtra = extra
    }

    /// Counts the chunk's lines and collects its hits. `inout` so the buffer is written in
    /// place, never copied.
    public mutating func parse(_ chunk: inout LineChunk) -> ChunkResult {
        var result = ChunkResult()
        result.consumed = chunk.consumed
        result.hits.reserveCapacity(lastHitCount + lastHitCount / 8)
        if let long = chunk.overlongBefore {
            result.physicalLines = 1
            result.counts.lines = 1
            result.counts.skipped = 1
            result.samples.append((1, Self.sampleText(long.prefix[...]), "longer than \(maxLineLength) bytes"))
        }
        let count = chunk.count
        // Held here, so the per-line call does not retain and release it around each line
        // (`fields`, written by the call, is a part of `self` too).
        let parser = self.parser
        let readsDirectives = parser.readsDirectives
        if readsDirectives, count > 0 { parser.startChunk(directiveBefore: chunk.directiveBefore) }
        // Served hosts come in long runs of one: counted per run, not per line.
        var host: [UInt8] = []
        var hostRun = 0
        chunk.bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            var pos = 0
            while pos < count {
                let newline: Int
                if let hit = memchr(base + pos, 0x0A, count - pos) {
                    newline = base.distance(to: hit)
                } else {
                    newline = count
                }
                result.physicalLines += 1
                var end = newline
                if end > pos, base.load(fromByteOffset: end - 1, as: UInt8.self) == 0x0D { end -= 1 }
                let length = end - pos
                if readsDirectives, length > 0, base.load(fromByteOffset: pos, as: UInt8.self) == ASCII.hash {
                    // `#Fields:` and its kind: directives, not log lines.
                    parser.directive(UnsafeRawBufferPointer(start: base + pos, count: length))
                } else if length > 0 {
                    result.counts.lines += 1
                    let line = UnsafeMutableRawBufferPointer(start: base + pos, count: length)
                    if length <= maxLineLength, parser.parse(line, into: &fields) {
                        result.counts.parsed += 1
                        if countsHosts {
                            let range = fields.host
                            let current = UnsafeRawBufferPointer(start: base + pos + Int(range.start), count: max(0, Int(range.end - range.start)))
                            if hostRun > 0, current.elementsEqual(host) {
                                hostRun += 1
                            } else {
                                if hostRun > 0 { result.counts.servedHosts[Self.hostName(host), default: 0] += hostRun }
                                host = Array(current)
                                hostRun = 1
                            }
                        }
                        let hitClass = classifier.classify(UnsafeRawBufferPointer(line), fields)
                        result.counts.classes.add(hitClass)
                        result.counts.include(fields.timestamp)
                        if hitClass.isHit {
                            result.hits.append(makeHit(UnsafeRawBufferPointer(line), hitClass, line: result.physicalLines))
                        }
                    } else {
                        result.counts.skipped += 1
                        if result.samples.count < IngestResult.maxSamples {
                            // A line that does not match is left as written (escapes are decoded only on a match).
                            let reason = length > maxLineLength ? "longer than \(maxLineLength) bytes"
                                : parser.diagnose(Array(UnsafeRawBufferPointer(line)))
                            result.samples.append((result.physicalLines, Self.sampleText(UnsafeRawBufferPointer(line)[...]), reason))
                        }
                    }
                }
                pos = newline + 1
            }
        }
        if hostRun > 0 { result.counts.servedHosts[Self.hostName(host), default: 0] += hostRun }
        let (bots, probes) = classifier.takeCounts()
        result.counts.botFamilies = bots
        result.counts.probePaths = probes
        result.newValues = takeNewValues()
        lastHitCount = result.hits.count
        return result
    }

    private mutating func makeHit(_ line: UnsafeRawBufferPointer, _ hitClass: HitClass, line number: Int) -> RawHit {
        // `line` is non-empty: it parsed.
        let base = line.baseAddress!
        func bytes(_ range: FieldRange) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: base + Int(range.start), count: range.count)
        }
        let address = keyAddress ? addresses.intern(bytes(fields.address)).id : -1
        var extra: Int32 = -1
        if keyExtra == 1 { extra = extras.intern(bytes(fields.user)).id }
        if keyExtra == 2 { extra = extras.intern(bytes(fields.cookie)).id }
        var hit = RawHit(
            time: fields.timestamp.utcSeconds, offsetMinutes: fields.timestamp.offsetMinutes,
            isPageView: hitClass == .pageView, status: Int16(fields.status), line: Int32(number),
            responseMicroseconds: fields.responseMicroseconds, path: classifier.pathID, method: classifier.methodID,
            agent: classifier.agentID, address: address, extra: extra,
            referrerHost: referrerHost(bytes(fields.referrer)))
        hit.isProbe = classifier.isProbe
        hit.target = classifier.targetHash(in: base, separateQuery: fields.query.isEmpty ? nil : bytes(fields.query))
        if internQueries { hit.query = queries.intern(classifier.query(in: base)).id }
        let referrer = bytes(fields.referrer)
        if internReferrerFamilies, let family = Self.pathFamily(ofURL: referrer) {
            hit.referrerFamily = family.isEmpty
                ? [ASCII.slash].withUnsafeBytes { referrerFamilies.intern($0).id }
                : referrerFamilies.intern(UnsafeRawBufferPointer(rebasing: referrer[family])).id
        }
        return hit
    }

    /// The referrer's host, lower-cased, without `www.`; -1 when empty or `-`.
    private mutating func referrerHost(_ referrer: UnsafeRawBufferPointer) -> Int32 {
        if referrer.isEmpty || (referrer.count == 1 && referrer[0] == 0x2D) { return -1 }
        var start = 0
        if let scheme = Self.schemeEnd(referrer) { start = scheme }
        var end = start
        while end < referrer.count {
            let byte = referrer[end]
            if byte == 0x2F || byte == 0x3A || byte == 0x3F || byte == 0x23 { break }  // / : ? #
            end += 1
        }
        let written = UnsafeRawBufferPointer(rebasing: referrer[start..<end])
        if lastHostID >= 0, written.count == lastHost.count,
           written.isEmpty || lastHost.withUnsafeBytes({ memcmp($0.baseAddress!, written.baseAddress!, written.count) == 0 }) {  // non-empty here: both base addresses exist
            return lastHostID
        }
        lastHost.removeAll(keepingCapacity: true)
        lastHost.append(contentsOf: written)
        lastHostID = referrerHostID(referrer, start: start, end: end)
        return lastHostID
    }

    /// The id of the host `referrer[start..<end]`, lower-cased, without `www.`.
    private mutating func referrerHostID(_ referrer: UnsafeRawBufferPointer, start: Int, end: Int) -> Int32 {
        var start = start
        @inline(__always) func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }
        if end - start > 4, lower(referrer[start]) == 0x77, lower(referrer[start + 1]) == 0x77,
           lower(referrer[start + 2]) == 0x77, referrer[start + 3] == 0x2E {  // www.
            start += 4
        }
        // Lower-cased into a scratch buffer on the stack: no allocation per hit.
        let count = end - start
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(count, 1)) { host in
            for index in 0..<count { host[index] = lower(referrer[start + index]) }
            return hosts.intern(UnsafeRawBufferPointer(start: host.baseAddress, count: count)).id
        }
    }

    /// Where the path family of an absolute URL lies: its path's first segment with the slash
    /// after it (`https://h/image/1/x` → `/image/`), or the segment alone when it is the last
    /// (`https://h/about?x` → `/about`); empty for a URL without a path (the root, `/`); nil
    /// without a scheme and host.
    @inline(never)  // only when fitting a configuration: kept out of the per-hit path
    static func pathFamily(ofURL url: UnsafeRawBufferPointer) -> Range<Int>? {
        guard let hostStart = schemeEnd(url) else { return nil }
        var start = hostStart
        while start < url.count, url[start] != 0x2F {  // /
            if url[start] == 0x3F || url[start] == 0x23 { return start..<start }  // ? #: no path
            start += 1
        }
        guard start < url.count else { return start..<start }
        var end = start + 1
        while end < url.count {
            let byte = url[end]
            if byte == 0x3F || byte == 0x23 { break }
            end += 1
            if byte == 0x2F { break }
        }
        return start..<end
    }

    private static func schemeEnd(_ text: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        while i + 2 < text.count {
            if text[i] == 0x3A, text[i + 1] == 0x2F, text[i + 2] == 0x2F { return i + 3 }
            if text[i] == 0x2F { return nil }
            i += 1
        }
        return nil
    }

    private mutating func takeNewValues() -> NewValues {
        var values = NewValues()
        func new(_ interner: ByteInterner, _ index: Int) -> [[UInt8]] {
            guard interner.count > sent[index] else { return [] }
            let list = (sent[index]..<interner.count).map { Array(interner.bytes(of: Int32($0))) }
            sent[index] = interner.count
            return list
        }
        values.paths = new(classifier.paths, 0)
        values.agents = new(classifier.agents, 1)
        values.methods = new(classifier.methods, 2)
        values.addresses = new(addresses, 3)
        values.extras = new(extras, 4)
        values.hosts = new(hosts, 5)
        values.queries = new(queries, 6)
        values.referrerFamilies = new(referrerFamilies, 7)
        return values
    }

    /// `WWW.Shop.example` → `shop.example`.
    static func hostName(_ bytes: [UInt8]) -> String {
        var name = String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
        if name.hasPrefix("www.") { name.removeFirst(4) }
        return name
    }

    /// A skipped line's start as messages and reports show it: control bytes made visible.
    static func sampleText<C: Collection<UInt8>>(_ text: C) -> String {
        Escape.bytes(text.prefix(LineChunker.samplePrefixLength))
    }
}
