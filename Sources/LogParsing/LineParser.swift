import LogInput
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Extracts the fields of lines of one format, from bytes, without allocating.
///
/// Built once per input from a compiled `LogFormat`. The walk: literals
/// must match exactly; an unquoted field ends at the first byte of the literal after it (a
/// space, or `]` for `$time_local`), or at a space or the end of the line when it is last; a
/// quoted field ends at the first `"` not escaped by a backslash. Fields after the last one the
/// format names, after a space, are ignored. Quoted fields that uxchurn keeps are decoded in place (`\"`, `\\`,
/// `\xHH`), so the ranges point at the bytes the server meant.
public final class LineParser {
    public let format: LogFormat

    private enum Slot: UInt8 {
        case address, user, request, method, urlPath, query, requestURI, protocolVersion
        case referrer, userAgent, cookie, host
        case status, bytes, timeLocal, timeISO8601, timeStrftime
        case durationMicroseconds, durationMilliseconds, durationSeconds, suffixedMilliseconds, requestTime, upstreamTime, opaque
        case addressWithPort, processingSeconds

        /// A field of any text.
        var isText: Bool { rawValue <= Slot.host.rawValue || self == .opaque || self == .upstreamTime }

        /// What a field of this slot must be, for messages.
        var expected: String {
            switch self {
            case .status: return "a three-digit status"
            case .bytes: return "a byte count (digits or -)"
            case .timeLocal: return "a date-time like 02/Mar/2026:10:00:00 -0500"
            case .timeISO8601: return "a date-time like 2026-03-02T10:00:00-05:00"
            case .timeStrftime: return "a date-time of the %{…}t pattern"
            case .durationMicroseconds: return "a number of microseconds"
            case .durationMilliseconds: return "a number of milliseconds"
            case .durationSeconds: return "a number of seconds"
            case .suffixedMilliseconds: return "a duration like 183ms"
            case .requestTime: return "seconds with three decimals (0.183)"
            default: return "what the format expects"
            }
        }
    }

    private struct Step {
        var isLiteral: Bool
        var literalStart: Int
        var literalCount: Int
        var slot: Slot
        var quoted: Bool
        /// The byte that ends an unquoted field.
        var terminator: UInt8
        /// A literal of at most 8 bytes, packed (first byte lowest: little-endian, as
        /// `parseDigits` assumes too), and the mask of its bytes: compared with one load where the line
        /// has 8 bytes left.
        var literalWord: UInt64 = 0
        var literalMask: UInt64 = 0
        /// A `%{FORMAT}t` field: its index in `timePatterns`.
        var pattern = -1
    }

    private let steps: UnsafeMutableBufferPointer<Step>
    private let literals: UnsafeMutableBufferPointer<UInt8>
    /// The format's text after its last field (`"` for `combined`): the line must have it there.
    /// Up to eight bytes, as a word and its mask; a longer one byte by byte from `literals`.
    private let trailingCount: Int
    private let trailingWord: UInt64
    private let trailingMask: UInt64
    private let trailingStart: Int
    /// `combined+time`, `traefik`: the line's last field is the response time.
    private let trailingField: TrailingField?
    private var dayCache = DayCache()
    /// The `%{FORMAT}t` patterns of the format.
    private let timePatterns: [StrftimePattern]
    /// The zone of timestamps written without an offset (`--timezone`); without one, such a
    /// timestamp does not parse. A written offset always wins.
    public let timeZone: TimeZoneRule?
    /// The readers of the formats whose lines are not fields in a fixed order.
    private let json: JSONLineReader?
    private let w3c: W3CLineReader?
    private let isStructured: Bool
    /// The steps a hand-written scanner reads instead of the loop: 17 when the format starts
    /// with `combined`'s fields (up to the user agent), 13 with `common`'s, else 0.
    private let prefixSteps: Int
    /// The byte that ends `%b` (the first of the literal after it; a space when it is last).
    private let sizeTerminator: UInt8

    /// Whether lines starting with `#` are directives (`#Fields:`) for `directive(_:)`, not log lines.
    public var readsDirectives: Bool { w3c != nil }

    /// - Parameters:
    ///   - cookieName: the cookie the session key uses (`cookie:NAME`), if any.
    ///   - timeZone: the zone of timestamps written without an offset.
    ///   - specialised: read `combined`'s and `common`'s fields with the hand-written scanner
    ///     where the format starts with them; false reads every field with the step loop (tests
    ///     and the fuzzer compare the two).
    public init(format: LogFormat, cookieName: String? = nil, timeZone: TimeZoneRule? = nil, specialised: Bool = true) {
        self.format = format
        self.timeZone = timeZone
        switch format.syntax {
        case let .json(map):
            json = JSONLineReader(map: map, cookieName: cookieName, timeZone: timeZone)
            w3c = nil
        case let .w3c(dialect):
            json = nil
            w3c = W3CLineReader(dialect: dialect, cookieName: cookieName)
        case .text:
            json = nil
            w3c = nil
        }
        isStructured = json != nil || w3c != nil
        var steps: [Step] = []
        var literalBytes: [UInt8] = []
        var patterns: [StrftimePattern] = []
        let elements = format.elements
        let lastField = elements.lastIndex { if case .field = $0 { return true }; return false } ?? -1
        for (index, element) in elements.enumerated() where index <= lastField {
            switch element {
            case let .literal(text):
                var step = Step(isLiteral: true, literalStart: literalBytes.count, literalCount: text.count,
                                slot: .opaque, quoted: false, terminator: 0)
                if text.count <= 8 {
                    for (index, byte) in text.enumerated() {
                        step.literalWord |= UInt64(byte) << (8 * UInt64(index))
                        step.literalMask |= 0xFF << (8 * UInt64(index))
                    }
                }
                steps.append(step)
                literalBytes.append(contentsOf: text)
            case let .field(kind, quoted):
                var terminator = ASCII.space
                if index + 1 < elements.count, case let .literal(next) = elements[index + 1], let first = next.first {
                    terminator = first
                }
                var step = Step(isLiteral: false, literalStart: 0, literalCount: 0,
                                slot: Self.slot(for: kind, cookieName: cookieName), quoted: quoted, terminator: terminator)
                if case let .timeStrftime(pattern) = kind {
                    step.pattern = patterns.count
                    patterns.append(pattern)
                }
                steps.append(step)
            }
        }
        var trailing: [UInt8] = []
        for case let .literal(text) in elements[(lastField + 1)...] { trailing += text }
        trailingCount = trailing.count
        trailingStart = literalBytes.count
        literalBytes += trailing
        var word: UInt64 = 0, mask: UInt64 = 0
        for (index, byte) in trailing.prefix(8).enumerated() {
            word |= UInt64(byte) << (8 * UInt64(index))
            mask |= 0xFF << (8 * UInt64(index))
        }
        trailingWord = word
        trailingMask = mask
        timePatterns = patterns
        trailingField = format.trailing
        prefixSteps = isStructured || !specialised ? 0
            : elements.starts(with: LogFormat.combined.elements.prefix(Self.combinedPrefix)) ? Self.combinedPrefix
            : elements.starts(with: LogFormat.common.elements.prefix(Self.commonPrefix)) ? Self.commonPrefix
            : 0
        sizeTerminator = prefixSteps > 0 ? steps[Self.commonPrefix - 1].terminator : ASCII.space
        self.steps = .allocate(capacity: steps.count)
        _ = self.steps.initialize(from: steps)
        self.literals = .allocate(capacity: max(literalBytes.count, 1))
        _ = self.literals.initialize(from: literalBytes)
    }

    deinit {
        steps.deallocate()
        literals.deallocate()
    }

    /// Reads a directive line (`#Fields: date time …`), for the formats that have them.
    public func directive(_ line: UnsafeRawBufferPointer) {
        w3c?.directive(line)
    }

    /// Starts a chunk of an input: the `#Fields:` directive in force where it begins, if any.
    public func startChunk(directiveBefore: [UInt8]?) {
        guard let w3c else { return }
        if let directiveBefore {
            directiveBefore.withUnsafeBytes { w3c.directive($0) }
        } else {
            w3c.setColumns(nil)
        }
    }

    private static func slot(for kind: FieldKind, cookieName: String?) -> Slot {
        switch kind {
        case .clientAddress: return .address
        case .clientAddressWithPort: return .addressWithPort
        case .processingSeconds: return .processingSeconds
        case .remoteUser: return .user
        case .timeLocal: return .timeLocal
        case .timeISO8601: return .timeISO8601
        case .timeStrftime: return .timeStrftime
        case .request: return .request
        case .method: return .method
        case .urlPath: return .urlPath
        case .query: return .query
        case .requestURI: return .requestURI
        case .protocolVersion: return .protocolVersion
        case .status: return .status
        case .bytes: return .bytes
        case .referrer: return .referrer
        case .userAgent: return .userAgent
        case let .cookie(name): return name == cookieName ? .cookie : .opaque
        case .host: return .host
        case .durationMicroseconds: return .durationMicroseconds
        case .durationMilliseconds: return .durationMilliseconds
        case .durationSeconds: return .durationSeconds
        case .durationSuffixedMilliseconds: return .suffixedMilliseconds
        case .requestTime: return .requestTime
        case .upstreamTime: return .upstreamTime
        case .opaque: return .opaque
        }
    }

    /// Parses one line (without its `\n` and `\r`), decoding escapes of kept fields in place.
    ///
    /// - Returns: false when the line does not match the format; `fields` is then unspecified.
    @inline(__always)
    public func parse(_ line: UnsafeMutableRawBufferPointer, into fields: inout ParsedLine) -> Bool {
        if isStructured {
            if let json { return json.parse(line, into: &fields) == nil }
            if let w3c { return w3c.parse(line, into: &fields) == nil }
        }
        guard let base = line.baseAddress else { return false }
        let n = line.count
        var pos = 0
        var micros: Int64 = -1, millis: Int64 = -1, requestTime: Int64 = -1, seconds: Int64 = -1, upstream: Int64 = -1
        var own: Int64 = -1
        // ALB: the processing times added; -1 once one of them is -1.
        var processing: Int64 = 0
        var processingFields = 0
        var hasTime = false
        var first = 0
        if prefixSteps > 0 {
            guard let end = parsePrefix(base, n, combined: prefixSteps == Self.combinedPrefix, into: &fields) else { return false }
            pos = end
            hasTime = true
            first = prefixSteps
        }
        for index in first..<steps.count {
            let step = steps[index]
            if step.isLiteral {
                let count = step.literalCount
                guard pos + count <= n else { return false }
                // Literals are short (` `, `" "`, ` [`): compare inline rather than call memcmp.
                let literal = literals.baseAddress! + step.literalStart  // the buffer holds every literal
                if count == 1 {
                    guard base.load(fromByteOffset: pos, as: UInt8.self) == literal[0] else { return false }
                } else if count <= 8, pos + 8 <= n {
                    let word = base.loadUnaligned(fromByteOffset: pos, as: UInt64.self)
                    guard word & step.literalMask == step.literalWord else { return false }
                } else {
                    for i in 0..<count where base.load(fromByteOffset: pos + i, as: UInt8.self) != literal[i] {
                        return false
                    }
                }
                pos += count
                continue
            }
            let start = pos
            var end: Int
            if step.quoted {
                guard let quote = Self.quotedEnd(base, from: pos, to: n) else { return false }
                end = quote
            } else if step.slot == .timeStrftime {
                end = pos + timePatterns[step.pattern].width  // fixed width: it may hold spaces
                guard end <= n else { return false }
            } else if step.slot == .timeLocal, pos + 26 < n,
                      base.load(fromByteOffset: pos + 26, as: UInt8.self) == step.terminator {
                end = pos + 26  // the usual `02/Mar/2026:10:00:00 -0500]`
            } else {
                // Unquoted fields are short (`-`, `200`, an address): sixteen bytes a compare beats a call.
                end = ByteScan.first(step.terminator, in: base, from: pos, to: n)
            }
            pos = end
            let range = FieldRange(start: Int32(start), end: Int32(end))
            let p = UnsafeRawPointer(base + start)
            let count = end - start
            switch step.slot {
            case .address: fields.address = range
            case .addressWithPort:
                // `203.0.113.9:51524`: the address is what comes before the last colon.
                var colon = end - 1
                while colon > start, base.load(fromByteOffset: colon, as: UInt8.self) != ASCII.colon { colon -= 1 }
                guard colon > start else { return false }
                fields.address = FieldRange(start: Int32(start), end: Int32(colon))
            case .processingSeconds:
                processingFields += 1
                if count == 2, p.load(as: UInt8.self) == ASCII.minus, p.load(fromByteOffset: 1, as: UInt8.self) == ASCII.zero + 1 {
                    processing = -1
                } else {
                    guard let value = Self.parseDecimalMicroseconds(p, count, scale: 1_000_000) else { return false }
                    if value < 0 {
                        processing = -1  // too large to be a time
                    } else if processing >= 0 {
                        let (sum, overflow) = processing.addingReportingOverflow(value)
                        processing = overflow ? -1 : sum
                    }
                }
            case .user: fields.user = range
            case .request: fields.request = range
            case .method: fields.method = range
            case .urlPath: fields.urlPath = range
            case .query: fields.query = range
            case .requestURI: fields.requestURI = range
            case .protocolVersion: fields.protocolVersion = range
            case .referrer: fields.referrer = range
            case .userAgent: fields.userAgent = range
            case .cookie: fields.cookie = range
            case .host: fields.host = range
            case .status:
                guard let status = Self.status(p, count: count) else { return false }
                fields.status = status
            case .bytes:
                guard Self.isSize(base, start, end) else { return false }
            case .timeLocal:
                guard let time = localTime(p, count: count) else { return false }
                fields.timestamp = time
                hasTime = true
            case .timeISO8601:
                guard let time = TimestampParser.parseISO8601(p, count: count, zone: timeZone) else { return false }
                fields.timestamp = time
                hasTime = true
            case .timeStrftime:
                guard count == timePatterns[step.pattern].width, let time = timePatterns[step.pattern].parse(p, zone: timeZone)
                else { return false }
                fields.timestamp = time
                hasTime = true
            case .durationMicroseconds:
                guard let value = Self.parseDigits(base, start, end) else { return false }
                micros = value
            case .durationMilliseconds:
                guard let value = Self.parseDigits(base, start, end) else { return false }
                millis = value
            case .suffixedMilliseconds:
                guard let value = Self.parseSuffixedMilliseconds(p, count) else { return false }
                own = value
            case .durationSeconds:
                guard let value = Self.parseDigits(base, start, end) else { return false }
                seconds = value
            case .requestTime:
                guard let value = Self.parseMilliDecimal(p, count) else { return false }
                requestTime = Self.times(value, 1000)
            case .upstreamTime:
                upstream = Self.parseUpstream(p, count)
            case .opaque:
                break
            }
        }
        // More fields may follow the format's last one, after a space; anything else stuck to it
        // (a line cut off and joined to the next one) is not this format.
        guard hasTime, pos + trailingCount <= n else { return false }
        if trailingCount == 1 {
            guard base.load(fromByteOffset: pos, as: UInt8.self) == UInt8(truncatingIfNeeded: trailingWord) else { return false }
        } else if trailingCount <= 8, pos + 8 <= n {
            guard base.loadUnaligned(fromByteOffset: pos, as: UInt64.self) & trailingMask == trailingWord else { return false }
        } else {
            for i in 0..<trailingCount where base.load(fromByteOffset: pos + i, as: UInt8.self) != literals[trailingStart + i] {
                return false
            }
        }
        pos += trailingCount
        guard pos == n || base.load(fromByteOffset: pos, as: UInt8.self) == ASCII.space else { return false }
        if let trailingField {
            // More fields, the last one the response time.
            guard pos < n else { return false }
            var last = n
            while last > pos, base.load(fromByteOffset: last - 1, as: UInt8.self) != ASCII.space { last -= 1 }
            guard last > pos else { return false }
            let p = UnsafeRawPointer(base + last)
            let count = n - last
            switch trailingField {
            case .requestTime:
                guard let value = Self.parseMilliDecimal(p, count) else { return false }
                requestTime = Self.times(value, 1000)
            case .suffixedMilliseconds:
                guard let value = Self.parseSuffixedMilliseconds(p, count) else { return false }
                own = value
            }
        }
        // In this order: %D and %{us}T, %{ms}T, $request_time, %T, the preset's own, the upstream's.
        fields.responseMicroseconds = micros >= 0 ? micros
            : millis >= 0 ? Self.times(millis, 1000)
            : requestTime >= 0 ? requestTime
            : seconds >= 0 ? Self.times(seconds, 1_000_000)
            : own >= 0 ? own
            : processingFields > 0 ? processing
            : upstream
        // Escapes are rare: one look over the line spares a look per field.
        if memchr(base, Int32(ASCII.backslash), pos) != nil {
            decodeEscapes(base, &fields.request)
            decodeEscapes(base, &fields.referrer)
            decodeEscapes(base, &fields.userAgent)
            decodeEscapes(base, &fields.user)
            decodeEscapes(base, &fields.cookie)
        }
        return true
    }

    /// `combined`'s first 17 elements (address to user agent) and `common`'s 13 (address to size).
    private static let combinedPrefix = 17
    private static let commonPrefix = 13

    /// Reads `%h %l %u [%t] "%r" %>s %b` and, for `combined`, ` "%{Referer}i" "%{User-Agent}i"`,
    /// exactly as the step loop reads those elements, without its per-step dispatch: the
    /// format most servers write, read here with its literals and terminators known.
    ///
    /// - Returns: the offset after the last field read, or nil when the line does not match.
    @inline(__always)
    private func parsePrefix(_ base: UnsafeMutableRawPointer, _ n: Int, combined: Bool, into fields: inout ParsedLine) -> Int? {
        @inline(__always) func byte(_ offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }
        // %h, %l, %u: each ends at the next space (the literals after them are ` `, ` `, ` [`).
        let address = ByteScan.first(ASCII.space, in: base, from: 0, to: n)
        guard address < n else { return nil }
        let ident = ByteScan.first(ASCII.space, in: base, from: address + 1, to: n)
        guard ident < n else { return nil }
        let user = ByteScan.first(ASCII.space, in: base, from: ident + 1, to: n)
        guard user + 2 <= n, byte(user + 1) == ASCII.leftBracket else { return nil }
        fields.address = FieldRange(start: 0, end: Int32(address))
        fields.user = FieldRange(start: Int32(ident + 1), end: Int32(user))
        // [%t]: usually 26 bytes.
        let timeStart = user + 2
        let timeEnd = timeStart + 26 < n && byte(timeStart + 26) == ASCII.rightBracket
            ? timeStart + 26 : ByteScan.first(ASCII.rightBracket, in: base, from: timeStart, to: n)
        guard let time = localTime(base + timeStart, count: timeEnd - timeStart) else { return nil }
        fields.timestamp = time
        guard timeEnd + 3 <= n, byte(timeEnd + 1) == ASCII.space, byte(timeEnd + 2) == ASCII.quote else { return nil }
        // "%r" %>s %b
        let requestStart = timeEnd + 3
        guard let requestEnd = Self.quotedEnd(base, from: requestStart, to: n),
              requestEnd + 2 <= n, byte(requestEnd + 1) == ASCII.space else { return nil }
        fields.request = FieldRange(start: Int32(requestStart), end: Int32(requestEnd))
        let statusStart = requestEnd + 2
        let statusEnd = ByteScan.first(ASCII.space, in: base, from: statusStart, to: n)
        guard let status = Self.status(base + statusStart, count: statusEnd - statusStart) else { return nil }
        fields.status = status
        guard statusEnd < n else { return nil }
        let sizeStart = statusEnd + 1
        let sizeEnd = ByteScan.first(sizeTerminator, in: base, from: sizeStart, to: n)
        guard Self.isSize(base, sizeStart, sizeEnd) else { return nil }
        guard combined else { return sizeEnd }
        // "%{Referer}i" "%{User-Agent}i"
        guard sizeEnd + 2 <= n, byte(sizeEnd + 1) == ASCII.quote else { return nil }
        let referrerStart = sizeEnd + 2
        guard let referrerEnd = Self.quotedEnd(base, from: referrerStart, to: n),
              referrerEnd + 3 <= n, byte(referrerEnd + 1) == ASCII.space, byte(referrerEnd + 2) == ASCII.quote
        else { return nil }
        fields.referrer = FieldRange(start: Int32(referrerStart), end: Int32(referrerEnd))
        let agentStart = referrerEnd + 3
        guard let agentEnd = Self.quotedEnd(base, from: agentStart, to: n) else { return nil }
        fields.userAgent = FieldRange(start: Int32(agentStart), end: Int32(agentEnd))
        return agentEnd
    }

    /// `%>s`: three digits.
    @inline(__always)
    private static func status(_ p: UnsafeRawPointer, count: Int) -> Int? {
        guard count == 3 else { return nil }
        let a = p.load(as: UInt8.self) &- ASCII.zero
        let b = p.load(fromByteOffset: 1, as: UInt8.self) &- ASCII.zero
        let c = p.load(fromByteOffset: 2, as: UInt8.self) &- ASCII.zero
        guard a < 10, b < 10, c < 10 else { return nil }
        return Int(a) * 100 + Int(b) * 10 + Int(c)
    }

    /// `%b`: digits, or `-` for no body.
    @inline(__always)
    private static func isSize(_ base: UnsafeMutableRawPointer, _ start: Int, _ end: Int) -> Bool {
        guard end > start else { return false }
        return (end - start == 1 && base.load(fromByteOffset: start, as: UInt8.self) == ASCII.minus)
            || parseDigits(base, start, end) != nil
    }

    /// `%t`: `10/Oct/2000:13:55:36 -0700`, or without its offset in the configured time zone.
    @inline(__always)
    private func localTime(_ p: UnsafeRawPointer, count: Int) -> LogTimestamp? {
        if let time = TimestampParser.parseCommonLog(p, count: count, cache: &dayCache) { return time }
        guard let timeZone else { return nil }
        return TimestampParser.parseCommonLogLocal(p, count: count, zone: timeZone, cache: &dayCache)
    }

    /// Where a quoted field that starts at `start` ends: the first `"` not escaped by an odd
    /// number of backslashes; nil when there is none.
    @inline(__always)
    private static func quotedEnd(_ base: UnsafeMutableRawPointer, from start: Int, to n: Int) -> Int? {
        var from = start
        while true {
            let quote = ByteScan.first(ASCII.quote, in: base, from: from, to: n)
            guard quote < n else { return nil }
            var backslashes = 0
            while quote - backslashes - 1 >= start,
                  base.load(fromByteOffset: quote - backslashes - 1, as: UInt8.self) == ASCII.backslash {
                backslashes += 1
            }
            if backslashes & 1 == 0 { return quote }
            from = quote + 1
        }
    }

    /// Why a line does not match the format: the first field that failed and why (`field 4
    /// (%t): no UTC offset`), or nil when it matches. Slow; for the few lines messages show.
    /// It quotes only fields of numbers and times, never text that may be an address or an agent.
    public func diagnose(_ text: [UInt8]) -> String? {
        var copy = text
        var fields = ParsedLine()
        if let json {
            return copy.withUnsafeMutableBytes { json.parse($0, into: &fields) }.map(json.describe)
        }
        if let w3c {
            return copy.withUnsafeMutableBytes { w3c.parse($0, into: &fields) }.map(w3c.describe)
        }
        if copy.withUnsafeMutableBytes({ parse($0, into: &fields) }) { return nil }
        let bytes = text
        let n = bytes.count
        var pos = 0
        var number = 0
        func shown(_ slice: ArraySlice<UInt8>) -> String {
            "`" + Escape.bytes(slice.prefix(40)) + (slice.count > 40 ? "…" : "") + "`"
        }
        func where_() -> String {
            number == 0 ? "at the start" : "after field \(number) (\(label(number)))"
        }
        for step in steps {
            if step.isLiteral {
                let literal = Array(UnsafeBufferPointer(start: literals.baseAddress.map { $0 + step.literalStart }, count: step.literalCount))
                guard pos + literal.count <= n, bytes[pos..<(pos + literal.count)].elementsEqual(literal) else {
                    // Only the first byte found: the rest may be an address or an agent.
                    return "\(where_()): expected \(shown(literal[...])), found \(pos < n ? shown(bytes[pos..<(pos + 1)]) : "the end of the line")"
                }
                pos += literal.count
                continue
            }
            number += 1
            let name = "field \(number) (\(label(number)))"
            var end: Int
            if step.quoted {
                var at = pos
                while at < n, bytes[at] != ASCII.quote || (at > pos && bytes[at - 1] == ASCII.backslash) { at += 1 }
                guard at < n else { return "\(name): no closing quote" }
                end = at
            } else if step.slot == .timeStrftime {
                end = min(n, pos + timePatterns[step.pattern].width)
            } else {
                end = pos
                while end < n, bytes[end] != step.terminator { end += 1 }
            }
            let field = bytes[pos..<end]
            let valid: Bool = field.withUnsafeBytes { raw in
                guard let p = raw.baseAddress else { return step.slot == .opaque || step.slot.isText }
                var cache = DayCache()
                switch step.slot {
                case .status: return field.count == 3 && field.allSatisfy(ASCII.isDigit)
                case .bytes: return field.elementsEqual([ASCII.minus]) || (!field.isEmpty && field.allSatisfy(ASCII.isDigit))
                case .timeLocal:
                    return TimestampParser.parseCommonLog(p, count: field.count, cache: &cache) != nil
                        || timeZone.map { TimestampParser.parseCommonLogLocal(p, count: field.count, zone: $0, cache: &cache) != nil } ?? false
                case .timeISO8601: return TimestampParser.parseISO8601(p, count: field.count, zone: timeZone) != nil
                case .timeStrftime: return field.count == timePatterns[step.pattern].width && timePatterns[step.pattern].parse(p, zone: timeZone) != nil
                case .durationMicroseconds, .durationMilliseconds, .durationSeconds:
                    return !field.isEmpty && field.count <= 18 && field.allSatisfy(ASCII.isDigit)
                case .requestTime: return Self.parseMilliDecimal(p, field.count) != nil
                case .suffixedMilliseconds: return field.count > 2 && field.suffix(2).elementsEqual("ms".utf8)
                default: return true
                }
            }
            guard valid else {
                var cache = DayCache()
                let offsetLess = (step.slot == .timeLocal && field.count == 20
                    && field.withUnsafeBytes { raw in
                        raw.baseAddress.flatMap { TimestampParser.parseCommonLogLocal($0, count: 20, zone: .utc, cache: &cache) }
                    } != nil)
                    || (step.slot == .timeISO8601 && field.count == 19)
                    || (step.slot == .timeStrftime && !timePatterns[step.pattern].hasOffset)
                if offsetLess, timeZone == nil { return "\(name): no UTC offset (give the zone with --timezone or timezone:)" }
                return "\(name): \(Self.mayQuote(field) ? shown(field) : "a field of \(field.count) bytes") is not \(step.slot.expected)"
            }
            pos = end
        }
        if pos < n, bytes[pos] != ASCII.space, trailingCount == 0 {
            return "after field \(number) (\(label(number))): text stuck to it"
        }
        switch trailingField {
        case .requestTime: return "the last field is not a $request_time (seconds with three decimals, 0.183)"
        case .suffixedMilliseconds: return "the last field is not a duration like 183ms"
        case nil: break
        }
        return "after field \(number) (\(label(number))): the line ends early or has text stuck to the last field"
    }

    /// Whether a field's text may be quoted in a message: short, of the characters numbers and
    /// times are written with, and not shaped like an address (`203.0.113.50`, `2001:db8::1`).
    static func mayQuote(_ field: ArraySlice<UInt8>) -> Bool {
        guard field.count <= 32 else { return false }
        let allowed = field.allSatisfy { byte in
            ASCII.isDigit(byte) || ASCII.isUpper(byte) || (byte >= ASCII.lowerA && byte <= ASCII.lowerZ)
                || byte == ASCII.colon || byte == ASCII.slash || byte == ASCII.plus || byte == ASCII.dot || byte == ASCII.minus
        }
        guard allowed else { return false }
        let dots = field.filter { $0 == ASCII.dot }.count
        let colons = field.filter { $0 == ASCII.colon }.count
        if dots == 3, field.allSatisfy({ ASCII.isDigit($0) || $0 == ASCII.dot }) { return false }
        if colons >= 2, field.allSatisfy({ ASCII.hexValue($0) != nil || $0 == ASCII.colon }) { return false }
        return true
    }

    private func label(_ number: Int) -> String {
        number - 1 < format.labels.count ? format.labels[number - 1] : "?"
    }

    /// `\"` → `"`, `\\` → `\`, `\xHH` → the byte; done in place, shortening the range.
    @inline(__always)
    private func decodeEscapes(_ base: UnsafeMutableRawPointer, _ range: inout FieldRange) {
        let start = Int(range.start), end = Int(range.end)
        guard end > start, let first = memchr(base + start, Int32(ASCII.backslash), end - start) else { return }
        var read = base.distance(to: UnsafeMutableRawPointer(first))
        var write = read
        while read < end {
            let byte = base.load(fromByteOffset: read, as: UInt8.self)
            if byte == ASCII.backslash, read + 1 < end {
                let next = base.load(fromByteOffset: read + 1, as: UInt8.self)
                if next == ASCII.lowerX, read + 3 < end,
                   let high = ASCII.hexValue(base.load(fromByteOffset: read + 2, as: UInt8.self)),
                   let low = ASCII.hexValue(base.load(fromByteOffset: read + 3, as: UInt8.self)) {
                    base.storeBytes(of: high << 4 | low, toByteOffset: write, as: UInt8.self)
                    read += 4
                    write += 1
                    continue
                }
                if next == ASCII.quote || next == ASCII.backslash {
                    base.storeBytes(of: next, toByteOffset: write, as: UInt8.self)
                    read += 2
                    write += 1
                    continue
                }
            }
            base.storeBytes(of: byte, toByteOffset: write, as: UInt8.self)
            read += 1
            write += 1
        }
        range.end = Int32(write)
    }

    /// `base[start..<end]` as one or more digits (at most 18). Up to eight digits that have eight
    /// bytes of the line up to their end are read with one load: the bytes before the field
    /// become `0`s, every byte is checked to be a digit, and three multiplications add them up
    /// (pairs, then fours, then eights).
    @inline(__always)
    static func parseDigits(_ base: UnsafeMutableRawPointer, _ start: Int, _ end: Int) -> Int64? {
        let count = end - start
        guard count > 0, count <= 8, end >= 8 else { return parseDigits(base + start, count) }
        // Little-endian: the field's first digit is byte 8 - count, its last byte 7.
        var word = base.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self)
        let zeros: UInt64 = 0x3030_3030_3030_3030
        let kept: UInt64 = count == 8 ? ~0 : ~0 << (8 * UInt64(8 - count))
        word = (word & kept) | (zeros & ~kept)
        let highs: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        // Each byte is 0x30 + d with d ≤ 9: its high nibble is 3, and adding 6 keeps it 3.
        guard word & highs == zeros, (word &+ 0x0606_0606_0606_0606) & highs == zeros else { return nil }
        word &= 0x0F0F_0F0F_0F0F_0F0F
        word = (word &* 2561) >> 8
        word = ((word & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        word = ((word & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
        return Int64(word)
    }

    /// One or more digits (at most 18).
    @inline(__always)
    static func parseDigits(_ p: UnsafeRawPointer, _ count: Int) -> Int64? {
        guard count > 0, count <= 18 else { return nil }
        var value: Int64 = 0
        for i in 0..<count {
            let digit = p.load(fromByteOffset: i, as: UInt8.self) &- ASCII.zero
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    /// Digits, optionally `.` and more digits (`183`, `1.5`, Caddy's `0.000929675`), times
    /// `scale`: microseconds for a number of milliseconds with `scale` 1000, of seconds with
    /// 1,000,000; digits past the microsecond are dropped. -1 when too large to be a time.
    static func parseDecimalMicroseconds(_ p: UnsafeRawPointer, _ count: Int, scale: Int64) -> Int64? {
        var dot = count
        for i in 0..<count where p.load(fromByteOffset: i, as: UInt8.self) == ASCII.dot { dot = i; break }
        guard let whole = parseDigits(p, dot) else { return nil }
        let value = times(whole, scale)
        guard dot < count else { return value }
        guard dot + 1 < count else { return nil }
        var unit = scale
        var fraction: Int64 = 0
        for i in (dot + 1)..<count {
            let digit = p.load(fromByteOffset: i, as: UInt8.self) &- ASCII.zero
            guard digit < 10 else { return nil }
            unit /= 10
            fraction += Int64(digit) * unit
        }
        guard value >= 0 else { return -1 }
        let (sum, overflow) = value.addingReportingOverflow(fraction)
        return overflow ? -1 : sum
    }

    /// `183ms`, or `1.5ms` (Traefik's duration), in microseconds.
    static func parseSuffixedMilliseconds(_ p: UnsafeRawPointer, _ count: Int) -> Int64? {
        guard count > 2, p.load(fromByteOffset: count - 2, as: UInt8.self) == ASCII.lowerM,
              p.load(fromByteOffset: count - 1, as: UInt8.self) == ASCII.lowerS else { return nil }
        return parseDecimalMicroseconds(p, count - 2, scale: 1000)
    }

    /// `value × scale` for a time, or -1 (no time) when it does not fit: a line's absurd
    /// duration is no reason to stop.
    @inline(__always)
    static func times(_ value: Int64, _ scale: Int64) -> Int64 {
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow || value < 0 ? -1 : product
    }

    /// Digits, `.`, three digits (`$request_time`): milliseconds.
    @inline(__always)
    static func parseMilliDecimal(_ p: UnsafeRawPointer, _ count: Int) -> Int64? {
        guard count >= 5, p.load(fromByteOffset: count - 4, as: UInt8.self) == ASCII.dot,
              let whole = parseDigits(p, count - 4), let fraction = parseDigits(p + (count - 3), 3)
        else { return nil }
        guard whole <= Int64.max / 1000 - 1 else { return nil }
        return whole * 1000 + fraction
    }

    /// The last number of `$upstream_response_time` (`0.012, 0.340` or `0.012 : 0.340`), in µs; -1 for `-`.
    static func parseUpstream(_ p: UnsafeRawPointer, _ count: Int) -> Int64 {
        var start = count
        while start > 0 {
            let byte = p.load(fromByteOffset: start - 1, as: UInt8.self)
            if byte == ASCII.comma || byte == ASCII.space || byte == ASCII.colon { break }
            start -= 1
        }
        let length = count - start
        guard length > 0 else { return -1 }
        let q = p + start
        var dot = -1
        for i in 0..<length where q.load(fromByteOffset: i, as: UInt8.self) == ASCII.dot { dot = i; break }
        if dot < 0 { return parseDigits(q, length).map { times($0, 1_000_000) } ?? -1 }
        guard let whole = parseDigits(q, dot) else { return -1 }
        var micros: Int64 = 0
        var scale: Int64 = 100_000
        for i in (dot + 1)..<length {
            let digit = q.load(fromByteOffset: i, as: UInt8.self) &- ASCII.zero
            guard digit < 10 else { return -1 }
            micros += Int64(digit) * scale
            scale /= 10
        }
        let scaled = times(whole, 1_000_000)
        guard scaled >= 0 else { return -1 }
        let (sum, overflow) = scaled.addingReportingOverflow(micros)
        return overflow ? -1 : sum
    }
}
