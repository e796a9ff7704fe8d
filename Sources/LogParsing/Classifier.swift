import CScan

/// Sorts parsed lines into `HitClass`es, caching every per-value decision:
/// a user agent is tested against the bot list and tokens once, a path against the `ignore`
/// and the `probes` regexes once. An asset is told by its extension on every line, before its
/// path is interned (a packed compare, cheaper than interning it).
///
/// After `classify`, `pathID`, `methodID` and `agentID` name the line's interned values, for
/// the stages that follow; the bot requests of each family and the probe hits of each path are
/// counted until `takeCounts`.
public struct Classifier {
    /// Built-in bot tokens, matched case-insensitively anywhere in the user agent.
    public static let builtInBotTokens = [
        "bot", "crawl", "spider", "slurp", "bingpreview", "facebookexternalhit", "python-requests",
        "curl/", "wget/", "go-http-client", "headlesschrome", "httpclient", "java/", "libwww",
        "okhttp", "scrapy", "phantomjs", "wordpress/", "feed",
    ]

    /// Paths that mark a scanner's session when `probes` is not configured: login pages,
    /// secrets and admin tools a shop does not have, requested by vulnerability scanners.
    public static let defaultProbes = [
        #"(?i)^/wp-login\.php$"#, #"(?i)^/xmlrpc\.php$"#, #"(?i)^/\.env"#, #"(?i)^/\.git/"#, #"(?i)^/cgi-bin/"#,
        #"(?i)^/phpmyadmin"#, #"(?i)^/vendor/phpunit/"#, #"(?i)^/boaform/"#,
    ]

    /// Extensions that make a path an asset (the last segment's text after its last `.`).
    public static let assetExtensions: Set<String> = [
        "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "svg", "ico", "webp", "avif", "bmp",
        "woff", "woff2", "ttf", "otf", "eot", "mp4", "webm", "mp3", "ogg", "wav",
    ]

    private struct PathFacts {
        var isIgnored: Bool
        var isProbe: Bool
        var isRobots: Bool
        /// The path's hash, the start of its requests' `targetHash`.
        var hash: UInt64
    }

    private let crawlers = CrawlerList.shared
    private let botTokens: [[UInt8]]
    /// The configured tokens as written, after the built-in ones: their family names.
    private let tokenNames: [String]
    private let ignore: [PathPattern]
    private let probes: [PathPattern]
    private let formatHasUserAgent: Bool

    public private(set) var paths = ByteInterner(capacity: 4096)
    public private(set) var agents = ByteInterner(capacity: 1024)
    public private(set) var methods = ByteInterner(capacity: 16)
    private var pathFacts: [PathFacts] = []
    /// Agent id → its bot family (`BotFamily`), or -1 for a browser.
    private var agentFamily: [Int32] = []
    /// Bot requests by family, the families counted, and probe hits by path id, since the last
    /// `takeCounts`.
    private var botRequests: [Int] = []
    private var botFamiliesSeen: [Int32] = []
    private var probeHits: [Int32: Int] = [:]

    private let getID: Int32, headID: Int32, optionsID: Int32, connectID: Int32, traceID: Int32

    /// The interned path of the last hit classified, or -1.
    public private(set) var pathID: Int32 = -1
    /// The interned method of the last valid request classified, or -1.
    public private(set) var methodID: Int32 = -1
    /// The interned user agent of the last line classified, or -1 when the format has none.
    public private(set) var agentID: Int32 = -1
    /// Whether the last hit's path is a probe's (`probes`).
    public private(set) var isProbe = false
    /// Where the last valid request's target lies in its line, for its query.
    private var targetStart: Int32 = 0
    private var targetEnd: Int32 = 0
    /// The last user agent interned: a page and its assets come in a row from one browser, so
    /// comparing with it spares most lines the hash and the probe.
    private var lastAgent: Int32 = -1

    /// - Parameters:
    ///   - ignorePatterns: path regexes that are not pages (`ignore` in the configuration).
    ///   - extraBotTokens: the config's `bots`, added to the built-in tokens.
    ///   - probePatterns: path regexes that mark a scanner's session (`probes`).
    ///   Regexes come checked by the configuration (`PathPattern(_:)`, Swift's `Regex`); here
    ///   only RE2 compiles them.
    /// - Throws: the regex error of the first pattern that does not compile.
    public init(format: LogFormat, ignorePatterns: [String], extraBotTokens: [String],
                probePatterns: [String] = Classifier.defaultProbes) throws {
        formatHasUserAgent = format.hasUserAgent
        let tokens = (Self.builtInBotTokens + extraBotTokens).filter { !$0.isEmpty }
        // Lower-cased as the agents are, byte by byte and ASCII only: a token with a non-ASCII
        // capital still matches an agent that writes it so.
        botTokens = tokens.map { $0.utf8.map(ASCII.lowercased) }
        tokenNames = tokens
        ignore = try ignorePatterns.map { try PathPattern($0, syntaxChecked: true) }
        probes = try probePatterns.map { try PathPattern($0, syntaxChecked: true) }
        var methods = ByteInterner(capacity: 16)
        func id(_ name: String) -> Int32 {
            var bytes = Array(name.utf8)
            return bytes.withUnsafeMutableBytes { methods.intern(UnsafeRawBufferPointer($0)).id }
        }
        getID = id("GET")
        headID = id("HEAD")
        optionsID = id("OPTIONS")
        connectID = id("CONNECT")
        traceID = id("TRACE")
        self.methods = methods
    }

    /// The query string of the last valid request classified, whose line starts at `base`:
    /// the target's text after its first `?`, up to a `#` (empty when there is none).
    public func query(in base: UnsafeRawPointer) -> UnsafeRawBufferPointer {
        RequestTarget(methodStart: 0, methodCount: 0, targetStart: Int(targetStart), targetEnd: Int(targetEnd)).query(in: base)
    }

    /// A 32-bit hash of the last classified request's target as the frustration signals
    /// compare targets: its path and query (an absolute target's host and a `#` fragment left
    /// out; an empty query is none). Two hits of one session are "the same target" when their
    /// hashes are equal: a false match needs two different targets, one after the other, to
    /// collide, about once in four billion.
    /// - Parameter separateQuery: the query of a format that logs it in a field of its own
    ///   (`%q`, with or without its `?`), used when the target has none.
    public func targetHash(in base: UnsafeRawPointer, separateQuery: UnsafeRawBufferPointer? = nil) -> UInt32 {
        let pathHash = pathID >= 0 ? pathFacts[Int(pathID)].hash : 0
        var query = self.query(in: base)
        // A `?` after a `#` is part of the fragment, not a query.
        if !query.isEmpty, let start = query.baseAddress {
            let questionMark = start - base - 1
            var index = Int(targetStart)
            while index < questionMark, base.load(fromByteOffset: index, as: UInt8.self) != ASCII.hash { index += 1 }
            if index < questionMark { query = UnsafeRawBufferPointer(start: start, count: 0) }
        }
        if query.isEmpty, let separate = separateQuery, !separate.isEmpty {
            query = separate.first == ASCII.questionMark ? UnsafeRawBufferPointer(rebasing: separate.dropFirst()) : separate
        }
        let hash = query.isEmpty ? pathHash : (pathHash ^ ByteInterner.hash(query) &* 0x9E37_79B9_7F4A_7C15)
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }

    /// The bot families' requests and the probe paths' hits counted since the last call, by name.
    public mutating func takeCounts() -> (bots: [String: Int], probes: [String: Int]) {
        var bots: [String: Int] = [:]
        for family in botFamiliesSeen {
            bots[familyName(family), default: 0] += botRequests[Int(family)]
            botRequests[Int(family)] = 0
        }
        botFamiliesSeen.removeAll(keepingCapacity: true)
        var probePaths: [String: Int] = [:]
        for (path, count) in probeHits { probePaths[paths.string(of: path), default: 0] += count }
        probeHits.removeAll(keepingCapacity: true)
        return (bots, probePaths)
    }

    /// A bot family's name: the list's name for its pattern, or a token, or why.
    func familyName(_ family: Int32) -> String {
        let index = Int(family)
        if index < crawlers.names.count { return crawlers.names[index] }
        let token = index - crawlers.names.count
        if token < tokenNames.count { return "\"\(tokenNames[token])\" agents" }
        return family == noAgentFamily ? BotFamily.noAgent : BotFamily.robots
    }

    private var noAgentFamily: Int32 { Int32(crawlers.names.count + tokenNames.count) }
    private var robotsFamily: Int32 { noAgentFamily + 1 }

    /// The class of a parsed line whose fields lie in `line`.
    @inline(__always)
    public mutating func classify(_ line: UnsafeRawBufferPointer, _ fields: ParsedLine) -> HitClass {
        pathID = -1
        methodID = -1
        agentID = -1
        isProbe = false
        guard let base = line.baseAddress,
              let request = RequestTarget.parse(base, fields) else { return .invalidRequest }
        targetStart = Int32(truncatingIfNeeded: request.targetStart)
        targetEnd = Int32(truncatingIfNeeded: request.targetEnd)
        if formatHasUserAgent {
            let agent = UnsafeRawBufferPointer(start: base + Int(fields.userAgent.start), count: fields.userAgent.count)
            let id: Int32
            if agents.holds(lastAgent, agent) {
                id = lastAgent
            } else {
                let (interned, isNew) = agents.intern(agent)
                if isNew { agentFamily.append(botFamily(agent)) }
                id = interned
                lastAgent = id
            }
            agentID = id
            let family = agentFamily[Int(id)]
            if family >= 0 {
                countBot(family)
                return .bot
            }
        }
        let (pid, isNewPath): (Int32, Bool)
        if let path = request.path(in: base) {
            // An asset is told by its extension alone (no asset is `/robots.txt`): its path is
            // not interned, as it is never a hit's.
            if Self.isAssetPath(path) { return .asset }
            (pid, isNewPath) = paths.intern(path)
            if isNewPath { pathFacts.append(examine(path)) }
        } else {
            // An absolute target without a path: `/`.
            (pid, isNewPath) = [ASCII.slash].withUnsafeBytes { paths.intern($0) }
            if isNewPath { pathFacts.append([ASCII.slash].withUnsafeBytes { examine($0) }) }
        }
        pathID = pid
        let facts = pathFacts[Int(pid)]
        if facts.isRobots {
            countBot(robotsFamily)
            return .bot
        }
        if facts.isIgnored { return .ignored }
        let method: Int32
        if request.methodCount == 3, base.load(fromByteOffset: request.methodStart, as: UInt8.self) == 0x47,  // G
           base.load(fromByteOffset: request.methodStart + 1, as: UInt8.self) == 0x45,  // E
           base.load(fromByteOffset: request.methodStart + 2, as: UInt8.self) == 0x54 {  // T
            method = getID
        } else {
            method = methods.intern(UnsafeRawBufferPointer(start: base + request.methodStart, count: request.methodCount)).id
        }
        methodID = method
        if method == headID || method == optionsID || method == connectID || method == traceID { return .dropped }
        if method == getID {
            switch fields.status {
            case 301, 302, 303, 307, 308: return .dropped
            default: break
            }
        }
        if facts.isProbe {
            isProbe = true
            probeHits[pid, default: 0] += 1
        }
        return method == getID ? .pageView : .action
    }

    @inline(__always)
    private mutating func countBot(_ family: Int32) {
        if botRequests.isEmpty { botRequests = Array(repeating: 0, count: Int(robotsFamily) + 1) }
        if botRequests[Int(family)] == 0 { botFamiliesSeen.append(family) }
        botRequests[Int(family)] += 1
    }

    /// The family of a bot's user agent: empty or `-`; else the first pattern of the crawler
    /// list found in it; else the first token it contains, case-insensitively. -1: a browser.
    @inline(never)  // once per distinct value: kept out of the per-line path
    private func botFamily(_ agent: UnsafeRawBufferPointer) -> Int32 {
        if agent.isEmpty || (agent.count == 1 && agent[0] == ASCII.minus) { return noAgentFamily }
        if let index = crawlers.firstMatch(agent) { return Int32(index) }
        let lower = agent.map(ASCII.lowercased)
        if let token = botTokens.firstIndex(where: { Self.contains(lower, $0) }) {
            return Int32(crawlers.names.count + token)
        }
        return -1
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    @inline(never)  // once per distinct value: kept out of the per-line path
    private func examine(_ path: UnsafeRawBufferPointer) -> PathFacts {
        let text = String(decoding: path, as: UTF8.self)
        return PathFacts(isIgnored: ignore.contains { $0.matches(text) },
                         isProbe: probes.contains { $0.matches(text) }, isRobots: text == "/robots.txt",
                         hash: ByteInterner.hash(path))
    }

    /// The asset extensions, each packed into an integer as `isAssetPath` packs a path's, in a
    /// table where each has a slot of its own: `slot` of a packed extension is the only place
    /// it can be, so a lookup is one multiplication and one compare.
    private struct AssetTable {
        let bits: UInt64
        let multiplier: UInt64
        let slots: [UInt64]

        init(_ packed: [UInt64]) {
            let keys = Set(packed)  // `jpg` and `JPG` pack alike
            // Odd multipliers from a fixed sequence until the keys fall in distinct slots (a few
            // tries for two dozen keys in 128 slots); a bigger table after 64 tries.
            var bits: UInt64 = 7
            var candidate: UInt64 = 0x9E37_79B9_7F4A_7C15
            var tries = 0
            while true {
                var slots = [UInt64](repeating: 0, count: 1 << bits)
                let fits = keys.allSatisfy { key in
                    let slot = Self.slot(key, candidate, bits)
                    guard slots[slot] == 0 else { return false }
                    slots[slot] = key
                    return true
                }
                if fits {
                    self.bits = bits
                    multiplier = candidate
                    self.slots = slots
                    return
                }
                candidate = (candidate &* 0xBF58_476D_1CE4_E5B9 &+ 0x94D0_49BB_1331_11EB) | 1
                tries += 1
                if tries % 64 == 0 { bits += 1 }
            }
        }

        @inline(__always)
        static func slot(_ key: UInt64, _ multiplier: UInt64, _ bits: UInt64) -> Int {
            Int(truncatingIfNeeded: (key &* multiplier) >> (64 - bits))
        }

        /// Packed values are never 0 (their top byte holds the count): 0 is an empty slot.
        @inline(__always)
        func contains(_ key: UInt64) -> Bool { slots[Self.slot(key, multiplier, bits)] == key }
    }

    private static let assetTable = AssetTable(assetExtensions.map { packed(Array($0.utf8)[...]) })

    /// Up to seven bytes, lower-cased (ASCII), first byte lowest, and their count in the top
    /// byte (so `css` and `css` followed by a NUL byte differ).
    @inline(__always)
    private static func packed<C: Collection<UInt8>>(_ bytes: C) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in bytes.prefix(7) {
            value |= UInt64(ASCII.lowercased(byte)) << shift
            shift += 8
        }
        return value | UInt64(min(bytes.count, 255)) << 56
    }

    /// Whether the last segment has a `.` and its text after the last `.` is an asset extension.
    /// Per line, before the path is interned: most of a shop's requests are assets.
    @inline(__always)
    static func isAssetPath(_ path: UnsafeRawBufferPointer) -> Bool {
        var dot = -1
        var index = path.count - 1
        // Extensions are at most five bytes: no need to look further back than six.
        let stop = max(path.count - 6, 0)
        while index >= stop {
            let byte = path[index]
            if byte == ASCII.slash { break }
            if byte == ASCII.dot { dot = index; break }
            index -= 1
        }
        guard dot >= 0 else { return false }
        let ext = UnsafeRawBufferPointer(rebasing: path[(dot + 1)...])
        guard ext.count >= 2, ext.count <= 5 else { return false }
        return assetTable.contains(packed(ext))
    }
}

/// Names of the bot families that are not the list's or a token's.
public enum BotFamily {
    public static let noAgent = "no user agent"
    public static let robots = "reads /robots.txt"
}

/// A valid request line, `^[A-Z]+ \S+ HTTP/[0-9](\.[0-9])?$`, as offsets.
struct RequestTarget {
    var methodStart: Int
    var methodCount: Int
    var targetStart: Int
    var targetEnd: Int

    /// Reads the request from `%r`, or from `%m` with `%U%q` / `$request_uri`.
    @inline(__always)
    static func parse(_ base: UnsafeRawPointer, _ fields: ParsedLine) -> RequestTarget? {
        if !fields.request.isEmpty || (fields.method.isEmpty && fields.urlPath.isEmpty && fields.requestURI.isEmpty) {
            return parseRequestLine(base, start: Int(fields.request.start), end: Int(fields.request.end))
        }
        let methodStart = Int(fields.method.start), methodEnd = Int(fields.method.end)
        guard methodEnd > methodStart else { return nil }
        for i in methodStart..<methodEnd where !ASCII.isUpper(base.load(fromByteOffset: i, as: UInt8.self)) { return nil }
        let target = fields.requestURI.isEmpty ? fields.urlPath : fields.requestURI
        guard !target.isEmpty else { return nil }
        for i in Int(target.start)..<Int(target.end) where ASCII.isWhitespace(base.load(fromByteOffset: i, as: UInt8.self)) {
            return nil
        }
        if !fields.protocolVersion.isEmpty {
            guard isProtocol(base, start: Int(fields.protocolVersion.start), end: Int(fields.protocolVersion.end)) else { return nil }
        }
        return RequestTarget(methodStart: methodStart, methodCount: methodEnd - methodStart,
                             targetStart: Int(target.start), targetEnd: Int(target.end))
    }

    @inline(__always)
    static func parseRequestLine(_ base: UnsafeRawPointer, start: Int, end: Int) -> RequestTarget? {
        var i = start
        while i < end, ASCII.isUpper(base.load(fromByteOffset: i, as: UInt8.self)) { i += 1 }
        guard i > start, i < end, base.load(fromByteOffset: i, as: UInt8.self) == ASCII.space else { return nil }
        let methodEnd = i
        i += 1
        let targetStart = i
        i = firstControlOrSpace(base, from: i, to: end)
        // Past a control byte that is not whitespace (0x01…): the target goes on to whitespace.
        while i < end, !ASCII.isWhitespace(base.load(fromByteOffset: i, as: UInt8.self)) { i += 1 }
        guard i > targetStart, i < end, base.load(fromByteOffset: i, as: UInt8.self) == ASCII.space else { return nil }
        let targetEnd = i
        guard isProtocol(base, start: i + 1, end: end) else { return nil }
        return RequestTarget(methodStart: start, methodCount: methodEnd - start, targetStart: targetStart, targetEnd: targetEnd)
    }

    /// The first byte at or below 0x20 (space, tab, other control bytes) in `from..<to`, or `to`.
    /// `base` is the line's start.
    @inline(__always)
    static func firstControlOrSpace(_ base: UnsafeRawPointer, from: Int, to end: Int) -> Int {
        ByteScan.first(base, from: from, to: end, match: { uxchurn_at_most16($0, 0x20) }, test: { $0 <= 0x20 })
    }

    /// `HTTP/` digit, optionally `.` digit, and nothing more.
    @inline(__always)
    static func isProtocol(_ base: UnsafeRawPointer, start: Int, end: Int) -> Bool {
        let count = end - start
        guard count == 6 || count == 8 else { return false }
        let p = base + start
        guard p.load(as: UInt8.self) == 0x48, p.load(fromByteOffset: 1, as: UInt8.self) == 0x54,  // H T
              p.load(fromByteOffset: 2, as: UInt8.self) == 0x54, p.load(fromByteOffset: 3, as: UInt8.self) == 0x50,  // T P
              p.load(fromByteOffset: 4, as: UInt8.self) == ASCII.slash,
              ASCII.isDigit(p.load(fromByteOffset: 5, as: UInt8.self))
        else { return false }
        if count == 8 {
            return p.load(fromByteOffset: 6, as: UInt8.self) == ASCII.dot && ASCII.isDigit(p.load(fromByteOffset: 7, as: UInt8.self))
        }
        return true
    }

    /// The path: the target up to `?` or `#`; for an absolute target, from the first `/` after
    /// the host; nil when there is none (the path is then `/`). Not percent-decoded.
    @inline(__always)
    func path(in base: UnsafeRawPointer) -> UnsafeRawBufferPointer? {
        var start = targetStart
        if base.load(fromByteOffset: start, as: UInt8.self) != ASCII.slash,
           let hostStart = Self.afterScheme(base, start: start, end: targetEnd) {
            var i = hostStart
            while i < targetEnd {
                let byte = base.load(fromByteOffset: i, as: UInt8.self)
                if byte == ASCII.slash || byte == ASCII.questionMark || byte == ASCII.hash { break }
                i += 1
            }
            if i == targetEnd || base.load(fromByteOffset: i, as: UInt8.self) != ASCII.slash {
                return nil
            }
            start = i
        }
        let end = ByteScan.first(ASCII.questionMark, or: ASCII.hash, in: base, from: start, to: targetEnd)
        return UnsafeRawBufferPointer(start: base + start, count: end - start)
    }

    /// The text after the first `?`, up to a `#`; empty when there is no `?`.
    func query(in base: UnsafeRawPointer) -> UnsafeRawBufferPointer {
        var start = ByteScan.first(ASCII.questionMark, in: base, from: targetStart, to: targetEnd)
        guard start < targetEnd else { return UnsafeRawBufferPointer(start: base + targetEnd, count: 0) }
        start += 1
        let end = ByteScan.first(ASCII.hash, in: base, from: start, to: targetEnd)
        return UnsafeRawBufferPointer(start: base + start, count: end - start)
    }

    /// For `scheme://…`, the offset after `://`.
    private static func afterScheme(_ base: UnsafeRawPointer, start: Int, end: Int) -> Int? {
        var i = start
        while i < end {
            let byte = base.load(fromByteOffset: i, as: UInt8.self)
            let isSchemeByte = ASCII.isUpper(byte) || (byte >= ASCII.lowerA && byte <= ASCII.lowerZ)
                || (i > start && (ASCII.isDigit(byte) || byte == ASCII.plus || byte == ASCII.minus || byte == ASCII.dot))
            if !isSchemeByte { break }
            i += 1
        }
        guard i > start, i + 3 <= end,
              base.load(fromByteOffset: i, as: UInt8.self) == ASCII.colon,
              base.load(fromByteOffset: i + 1, as: UInt8.self) == ASCII.slash,
              base.load(fromByteOffset: i + 2, as: UInt8.self) == ASCII.slash
        else { return nil }
        return i + 3
    }
}
