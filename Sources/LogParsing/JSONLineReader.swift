#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines that are one JSON object each (the `json` and `caddy` formats) through a key map.
///
/// A scanner, not a parser into values: it walks the object's bytes once, compares each key
/// with the map's keys at that depth, notes where the wanted values lie, and steps over every
/// other value (strings with `memchr`, nested objects and arrays by counting brackets) without
/// building anything. Then it checks and converts the values it noted, and lays the kept text
/// out again at the line's start (`CompactLine`): nothing is allocated per line.
final class JSONLineReader {
    /// Why a line did not parse.
    enum Fault: Equatable {
        case notAnObject
        /// The JSON is malformed at this byte offset.
        case syntax(Int)
        /// The line ends inside the object.
        case cutShort
        case missing(StructuredField)
        case invalid(StructuredField)
        case noUTCOffset
        case tooLong
    }

    /// A key of the map at one depth: the fields its value gives, and the keys inside it.
    private struct Entry {
        var keyStart: Int32
        var keyCount: Int32
        /// Where its fields lie in `targets`.
        var targetStart: Int32
        var targetCount: Int32
        /// The node of the keys inside its object, or -1.
        var child: Int32
    }

    private struct Target {
        var field: UInt8
        /// The key's place among the field's keys: lower is preferred.
        var rank: UInt8
    }

    /// A wanted value as found in the line.
    private struct Found {
        var start: Int32 = 0
        var end: Int32 = 0
        var rank: UInt8 = .max
        var kind: Kind = .none

        enum Kind: UInt8 { case none, string, number }
    }

    let map: JSONFieldMap
    private let keyBytes: UnsafeMutableBufferPointer<UInt8>
    private let entries: UnsafeMutableBufferPointer<Entry>
    private let targets: UnsafeMutableBufferPointer<Target>
    /// Each node's entries, `start..<end` in `entries`; node 0 is the top level.
    private let nodes: UnsafeMutableBufferPointer<(start: Int32, end: Int32)>
    private let found: UnsafeMutableBufferPointer<Found>
    private let layout = CompactLine()
    private var dayCache = DayCache()
    private let timeZone: TimeZoneRule?

    init(map: JSONFieldMap, cookieName: String?, timeZone: TimeZoneRule?) {
        self.map = map
        self.timeZone = timeZone
        var keys = map.keys
        if let cookieName, (keys[.cookie] ?? []).isEmpty {
            keys[.cookie] = ["cookie_" + cookieName]
        }
        // Build the key tree: one node per object reached.
        final class Node {
            var keys: [[UInt8]] = []
            var targets: [[Target]] = []
            var children: [Node?] = []
        }
        let root = Node()
        for field in StructuredField.allCases {
            for (rank, key) in (keys[field] ?? []).prefix(250).enumerated() {
                let parts = key.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
                var node = root
                for (level, part) in parts.enumerated() {
                    let index: Int
                    if let existing = node.keys.firstIndex(of: part) {
                        index = existing
                    } else {
                        node.keys.append(part)
                        node.targets.append([])
                        node.children.append(nil)
                        index = node.keys.count - 1
                    }
                    if level == parts.count - 1 {
                        node.targets[index].append(Target(field: UInt8(field.index), rank: UInt8(rank)))
                    } else {
                        let child = node.children[index] ?? Node()
                        node.children[index] = child
                        node = child
                    }
                }
            }
        }
        // Flatten breadth first: each node's entries lie together.
        var flatKeys: [UInt8] = []
        var flatEntries: [Entry] = []
        var flatTargets: [Target] = []
        var flatNodes: [(start: Int32, end: Int32)] = []
        var queue = [root]
        var next = 0
        while next < queue.count {
            let node = queue[next]
            next += 1
            let start = Int32(flatEntries.count)
            for (index, key) in node.keys.enumerated() {
                var child: Int32 = -1
                if let inner = node.children[index] {
                    queue.append(inner)
                    child = Int32(queue.count - 1)
                }
                flatEntries.append(Entry(keyStart: Int32(flatKeys.count), keyCount: Int32(key.count),
                                         targetStart: Int32(flatTargets.count), targetCount: Int32(node.targets[index].count),
                                         child: child))
                flatKeys += key
                flatTargets += node.targets[index]
            }
            flatNodes.append((start, Int32(flatEntries.count)))
        }
        keyBytes = .allocate(capacity: max(flatKeys.count, 1))
        _ = keyBytes.initialize(from: flatKeys)
        entries = .allocate(capacity: max(flatEntries.count, 1))
        _ = entries.initialize(from: flatEntries)
        targets = .allocate(capacity: max(flatTargets.count, 1))
        _ = targets.initialize(from: flatTargets)
        nodes = .allocate(capacity: flatNodes.count)
        _ = nodes.initialize(from: flatNodes)
        found = .allocate(capacity: StructuredField.count)
        found.initialize(repeating: Found())
    }

    deinit {
        keyBytes.deallocate()
        entries.deallocate()
        targets.deallocate()
        nodes.deallocate()
        found.deallocate()
    }

    // MARK: Parsing

    /// Parses one line into `fields`; on success the kept text is laid out again at the line's start.
    func parse(_ line: UnsafeMutableRawBufferPointer, into fields: inout ParsedLine) -> Fault? {
        guard let base = line.baseAddress else { return .notAnObject }
        let n = line.count
        for i in 0..<StructuredField.count { found[i] = Found() }
        var pos = Self.skipSpace(base, 0, n)
        guard pos < n, base.load(fromByteOffset: pos, as: UInt8.self) == ASCII.leftBrace else { return .notAnObject }
        if let fault = scanObject(base, n, &pos, node: 0) {
            if case let .syntax(at) = fault, at >= n { return .cutShort }
            return fault
        }
        pos = Self.skipSpace(base, pos, n)
        guard pos == n else { return .syntax(pos) }
        return convert(base, n, into: &fields)
    }

    /// Walks the object at `pos` (its `{`), noting the values the keys of `node` want.
    private func scanObject(_ base: UnsafeMutableRawPointer, _ n: Int, _ pos: inout Int, node: Int) -> Fault? {
        pos = Self.skipSpace(base, pos + 1, n)
        guard pos < n else { return .syntax(pos) }
        if base.load(fromByteOffset: pos, as: UInt8.self) == ASCII.rightBrace {
            pos += 1
            return nil
        }
        let (nodeStart, nodeEnd) = nodes[node]
        while true {
            guard pos < n, base.load(fromByteOffset: pos, as: UInt8.self) == ASCII.quote else { return .syntax(pos) }
            // A string that does not close: the line ends inside it.
            guard let keyEnd = Self.stringEnd(base, pos + 1, n) else { return .syntax(n) }
            let keyStart = pos + 1
            pos = Self.skipSpace(base, keyEnd + 1, n)
            guard pos < n, base.load(fromByteOffset: pos, as: UInt8.self) == ASCII.colon else { return .syntax(pos) }
            pos = Self.skipSpace(base, pos + 1, n)
            guard pos < n else { return .syntax(pos) }
            let entry = lookup(base + keyStart, keyEnd - keyStart, nodeStart, nodeEnd)
            let byte = base.load(fromByteOffset: pos, as: UInt8.self)
            if let entry, entry.child >= 0, byte == ASCII.leftBrace {
                if let fault = scanObject(base, n, &pos, node: Int(entry.child)) { return fault }
            } else if let entry, entry.targetCount > 0 {
                if let fault = capture(base, n, &pos, entry) { return fault }
            } else {
                guard Self.skipValue(base, n, &pos) else { return .syntax(pos) }
            }
            pos = Self.skipSpace(base, pos, n)
            guard pos < n else { return .syntax(pos) }
            let after = base.load(fromByteOffset: pos, as: UInt8.self)
            if after == ASCII.comma {
                pos = Self.skipSpace(base, pos + 1, n)
                continue
            }
            guard after == ASCII.rightBrace else { return .syntax(pos) }
            pos += 1
            return nil
        }
    }

    /// Notes the value at `pos` for the entry's fields, and steps over it.
    private func capture(_ base: UnsafeMutableRawPointer, _ n: Int, _ pos: inout Int, _ entry: Entry) -> Fault? {
        var value = Found()
        let byte = base.load(fromByteOffset: pos, as: UInt8.self)
        if byte == ASCII.quote {
            guard let end = Self.stringEnd(base, pos + 1, n) else { return .syntax(n) }
            value = Found(start: Int32(pos + 1), end: Int32(end), kind: .string)
            pos = end + 1
        } else if byte == ASCII.leftBracket {
            // An array: its first element, when a string (Caddy's headers).
            let open = pos
            let first = Self.skipSpace(base, pos + 1, n)
            if first < n, base.load(fromByteOffset: first, as: UInt8.self) == ASCII.quote,
               let end = Self.stringEnd(base, first + 1, n) {
                value = Found(start: Int32(first + 1), end: Int32(end), kind: .string)
            }
            pos = open
            guard Self.skipValue(base, n, &pos) else { return .syntax(pos) }
            // An empty array, or one of numbers: as if the key were not there.
            if value.kind == .none { return nil }
        } else if byte == ASCII.minus || ASCII.isDigit(byte) {
            let start = pos
            guard Self.skipValue(base, n, &pos) else { return .syntax(pos) }
            value = Found(start: Int32(start), end: Int32(pos), kind: .number)
        } else {
            // null, true, false, an object: as if the key were not there.
            guard Self.skipValue(base, n, &pos) else { return .syntax(pos) }
            return nil
        }
        for t in Int(entry.targetStart)..<Int(entry.targetStart + entry.targetCount) {
            let target = targets[t]
            if target.rank < found[Int(target.field)].rank {
                value.rank = target.rank
                found[Int(target.field)] = value
            }
        }
        return nil
    }

    @inline(__always)
    private func lookup(_ key: UnsafeRawPointer, _ count: Int, _ start: Int32, _ end: Int32) -> Entry? {
        guard let keys = keyBytes.baseAddress else { return nil }
        var index = Int(start)
        while index < Int(end) {
            let entry = entries[index]
            if Int(entry.keyCount) == count, memcmp(keys + Int(entry.keyStart), key, count) == 0 { return entry }
            index += 1
        }
        return nil
    }

    // MARK: Values

    /// Checks and converts the values found, and lays the kept text out at the line's start.
    private func convert(_ base: UnsafeMutableRawPointer, _ n: Int, into fields: inout ParsedLine) -> Fault? {
        @inline(__always) func value(_ field: StructuredField) -> Found { found[field.index] }
        // Time and status are required; a request line, or a method and a path.
        let time = value(.time)
        guard time.kind != .none else { return .missing(.time) }
        let timeText = UnsafeRawPointer(base + Int(time.start))
        let timeCount = Int(time.end - time.start)
        if time.kind == .number || (timeCount > 0 && ASCII.isDigit(timeText.load(as: UInt8.self))
                                    && !(timeCount > 4 && timeText.load(fromByteOffset: 4, as: UInt8.self) == ASCII.minus)
                                    && !(timeCount > 2 && timeText.load(fromByteOffset: 2, as: UInt8.self) == ASCII.slash)) {
            guard let seconds = TimestampParser.parseUnixSeconds(timeText, count: timeCount) else { return .invalid(.time) }
            fields.timestamp = LogTimestamp(utcSeconds: seconds, offsetMinutes: 0)
        } else if let stamp = TimestampParser.parseCommonLog(timeText, count: timeCount, cache: &dayCache)
                    ?? TimestampParser.parseISO8601(timeText, count: timeCount, zone: timeZone) {
            fields.timestamp = stamp
        } else if let timeZone, let stamp = TimestampParser.parseCommonLogLocal(timeText, count: timeCount, zone: timeZone, cache: &dayCache) {
            fields.timestamp = stamp
        } else {
            let offsetLess = timeZone == nil && (timeCount == 19 || timeCount == 20)
                && (TimestampParser.parseCommonLogLocal(timeText, count: timeCount, zone: .utc, cache: &dayCache) != nil
                    || TimestampParser.parseISO8601(timeText, count: timeCount, zone: .utc) != nil)
            return offsetLess ? .noUTCOffset : .invalid(.time)
        }

        let status = value(.status)
        guard status.kind != .none else { return .missing(.status) }
        guard status.end - status.start == 3, let code = LineParser.parseDigits(base + Int(status.start), 3) else { return .invalid(.status) }
        fields.status = Int(code)

        let bytes = value(.bytes)
        if bytes.kind != .none {
            let count = Int(bytes.end - bytes.start)
            let isDash = count == 1 && base.load(fromByteOffset: Int(bytes.start), as: UInt8.self) == ASCII.minus
            guard count == 0 || isDash || LineParser.parseDigits(base + Int(bytes.start), count) != nil else { return .invalid(.bytes) }
        }

        // The response time: microseconds, milliseconds, seconds, then the upstream's.
        fields.responseMicroseconds = -1
        /// false when the field holds something other than a number (`-` and "" are no time).
        @inline(__always) func duration(_ field: StructuredField, _ scale: Int64) -> Bool {
            let found = value(field)
            guard fields.responseMicroseconds < 0, found.kind != .none else { return true }
            let count = Int(found.end - found.start)
            if count == 0 || (count == 1 && base.load(fromByteOffset: Int(found.start), as: UInt8.self) == ASCII.minus) { return true }
            guard let micros = LineParser.parseDecimalMicroseconds(base + Int(found.start), count, scale: scale) else { return false }
            fields.responseMicroseconds = micros
            return true
        }
        guard duration(.responseMicroseconds, 1) else { return .invalid(.responseMicroseconds) }
        guard duration(.responseMilliseconds, 1000) else { return .invalid(.responseMilliseconds) }
        guard duration(.responseSeconds, 1_000_000) else { return .invalid(.responseSeconds) }
        let upstream = value(.upstreamSeconds)
        if fields.responseMicroseconds < 0, upstream.kind != .none {
            fields.responseMicroseconds = LineParser.parseUpstream(base + Int(upstream.start), Int(upstream.end - upstream.start))
        }

        let request = value(.request), method = value(.method), path = value(.path)
        if request.kind == .none {
            guard method.kind != .none else { return .missing(.request) }
            guard path.kind != .none else { return .missing(.path) }
        }

        // Lay the kept text out again.
        layout.begin(length: n)
        fields.request = .absent
        fields.method = .absent
        fields.urlPath = .absent
        fields.query = .absent
        fields.requestURI = .absent
        fields.protocolVersion = .absent
        @inline(__always) func kept(_ field: StructuredField) -> FieldRange? {
            let found = value(field)
            guard found.kind != .none else { return .absent }
            return layout.appendJSONString(base + Int(found.start), Int(found.end - found.start))
        }
        guard var address = kept(.address), let user = kept(.user), let referrer = kept(.referrer),
              let agent = kept(.userAgent), let host = kept(.host), let cookie = kept(.cookie) else { return .tooLong }
        Self.dropPort(layout, &address)
        fields.address = address
        fields.user = user
        fields.referrer = referrer
        fields.userAgent = agent
        fields.host = host
        fields.cookie = cookie
        if request.kind != .none {
            guard let range = kept(.request) else { return .tooLong }
            fields.request = range
        } else {
            guard let methodRange = kept(.method), var target = kept(.path) else { return .tooLong }
            // `$uri` and `$args`: joined with `?` when the path has no query of its own.
            let query = value(.query)
            // nginx writes `-` for no query outside `escape=json`.
            let dash = query.end - query.start == 1 && base.load(fromByteOffset: Int(query.start), as: UInt8.self) == ASCII.minus
            if query.kind == .string, query.end > query.start, !dash, !layout.contains(ASCII.questionMark, in: target) {
                guard layout.append(byte: ASCII.questionMark), let queryRange = kept(.query) else { return .tooLong }
                target.end = queryRange.end
            }
            guard let version = kept(.protocolVersion) else { return .tooLong }
            fields.method = methodRange
            fields.requestURI = target
            fields.protocolVersion = version
        }
        layout.write(over: base)
        return nil
    }

    /// `203.0.113.9:51524` → `203.0.113.9`, `[2001:db8::1]:443` → `2001:db8::1`; a bare IPv6
    /// address (two colons or more) is left whole.
    private static func dropPort(_ layout: CompactLine, _ range: inout FieldRange) {
        guard range.count > 0 else { return }
        layout.withBytes(range) { text in
            if text[0] == ASCII.leftBracket, let close = text.firstIndex(of: ASCII.rightBracket) {
                range = FieldRange(start: range.start + 1, end: range.start + Int32(close))
                return
            }
            var colons = 0
            var last = -1
            for (index, byte) in text.enumerated() where byte == ASCII.colon {
                colons += 1
                last = index
            }
            if colons == 1 { range.end = range.start + Int32(last) }
        }
    }

    // MARK: Scanning

    @inline(__always)
    private static func skipSpace(_ base: UnsafeMutableRawPointer, _ from: Int, _ n: Int) -> Int {
        var pos = from
        while pos < n {
            let byte = base.load(fromByteOffset: pos, as: UInt8.self)
            guard byte == ASCII.space || byte == ASCII.tab || byte == ASCII.carriageReturn else { break }
            pos += 1
        }
        return pos
    }

    /// The offset of the `"` that closes a string whose text starts at `from`, or nil.
    @inline(__always)
    static func stringEnd(_ base: UnsafeMutableRawPointer, _ from: Int, _ n: Int) -> Int? {
        var at = from
        while at < n, let hit = memchr(base + at, Int32(ASCII.quote), n - at) {
            let quote = base.distance(to: UnsafeMutableRawPointer(hit))
            var backslashes = 0
            while quote - backslashes - 1 >= from, base.load(fromByteOffset: quote - backslashes - 1, as: UInt8.self) == ASCII.backslash {
                backslashes += 1
            }
            if backslashes & 1 == 0 { return quote }
            at = quote + 1
        }
        return nil
    }

    /// Steps over the value at `pos`: a string, a number, a literal, or a whole object or
    /// array (brackets counted, strings stepped over). false when it is malformed; `pos` is
    /// then where, or the line's end when the line ends inside the value.
    static func skipValue(_ base: UnsafeMutableRawPointer, _ n: Int, _ pos: inout Int) -> Bool {
        guard pos < n else { return false }
        let first = base.load(fromByteOffset: pos, as: UInt8.self)
        switch first {
        case ASCII.quote:
            guard let end = stringEnd(base, pos + 1, n) else {
                pos = n  // the line ends inside the string
                return false
            }
            pos = end + 1
            return true
        case ASCII.leftBrace, ASCII.leftBracket:
            var depth = 0
            while pos < n {
                let byte = base.load(fromByteOffset: pos, as: UInt8.self)
                switch byte {
                case ASCII.quote:
                    guard let end = stringEnd(base, pos + 1, n) else {
                        pos = n
                        return false
                    }
                    pos = end
                case ASCII.leftBrace, ASCII.leftBracket:
                    depth += 1
                case ASCII.rightBrace, ASCII.rightBracket:
                    depth -= 1
                    if depth == 0 {
                        pos += 1
                        return true
                    }
                default:
                    break
                }
                pos += 1
            }
            return false
        default:
            // A number or a literal: up to the next delimiter.
            let start = pos
            while pos < n {
                let byte = base.load(fromByteOffset: pos, as: UInt8.self)
                if byte == ASCII.comma || byte == ASCII.rightBrace || byte == ASCII.rightBracket || byte == ASCII.space
                    || byte == ASCII.tab || byte == ASCII.carriageReturn { break }
                guard ASCII.isDigit(byte) || byte == ASCII.minus || byte == ASCII.plus || byte == ASCII.dot
                        || (byte | 0x20 >= ASCII.lowerA && byte | 0x20 <= ASCII.lowerZ) else { return false }
                pos += 1
            }
            return pos > start
        }
    }

    // MARK: Messages

    /// The text of a fault, naming the key: `status (key status): not a three-digit status`.
    func describe(_ fault: Fault) -> String {
        func keys(_ field: StructuredField) -> String {
            let list = map.keys[field] ?? []
            return list.isEmpty ? "no key" : list.count == 1 ? "key `\(list[0])`" : "keys " + list.map { "`\($0)`" }.joined(separator: ", ")
        }
        switch fault {
        case .notAnObject: return "not a JSON object"
        case let .syntax(offset): return "not valid JSON at byte \(offset + 1)"
        case .cutShort: return "not valid JSON: the line ends before the object does"
        case .missing(.request):
            return "no request: neither \(keys(.request)) nor \(keys(.method)) with \(keys(.path))"
        case let .missing(field): return "no \(field.rawValue) (\(keys(field)))"
        case .invalid(.time): return "\(keys(.time)): not a date-time (02/Mar/2026:10:00:00 -0500, ISO 8601, or seconds since 1970)"
        case .invalid(.status): return "\(keys(.status)): not a three-digit status"
        case .invalid(.bytes): return "\(keys(.bytes)): not a byte count"
        case let .invalid(field): return "\(keys(field)): not a number"
        case .noUTCOffset: return "\(keys(.time)): no UTC offset (give the zone with --timezone or timezone:)"
        case .tooLong: return "its values do not fit the line"
        }
    }
}
