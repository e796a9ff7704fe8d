/// Reads W3C extended log lines (IIS, CloudFront): the columns are those the latest `#Fields:`
/// directive names, and each line is split on the dialect's separator.
///
/// Directives are lines of their own (`#Fields: date time c-ip cs-method …`); IIS writes a new
/// block of them when it restarts, so the columns may change within a file. The chunker hands
/// each chunk the `#Fields:` line in force where it starts, and `setColumns` reads it.
final class W3CLineReader {
    enum Fault: Equatable {
        case noFields
        case missingColumn(String)
        /// The line has fewer columns than the directive names.
        case short(found: Int, named: Int)
        case invalid(Int)
        case tooLong
    }

    /// What a column holds.
    private enum Column: UInt8 {
        case ignored, date, clock, address, user, method, stem, query, uri, protocolVersion, status, bytes
        case referrer, userAgent, cookie, host, timeTaken
    }

    let dialect: W3CDialect
    private let cookieName: [UInt8]?
    private var columns: [Column] = []
    private var names: [String] = []
    /// The columns up to the last one read: a line needs at least this many.
    private var needed = 0
    private var missing: String? = "#Fields:"
    private let layout = CompactLine()

    init(dialect: W3CDialect, cookieName: String?) {
        self.dialect = dialect
        self.cookieName = cookieName.map { Array($0.utf8) }
    }

    /// A directive line: `#Fields:` sets the columns; other directives (`#Version:`, `#Date:`) say nothing read here.
    func directive(_ line: UnsafeRawBufferPointer) {
        let prefix = InputProbe.fieldsDirective
        guard line.count >= prefix.count, zip(line.prefix(prefix.count), prefix).allSatisfy({ ASCII.lowercased($0) == ASCII.lowercased($1) })
        else { return }
        setColumns(String(decoding: line.dropFirst(prefix.count), as: UTF8.self))
    }

    /// The columns of a `#Fields:` directive's list; nil clears them (no directive yet).
    func setColumns(_ list: String?) {
        guard let list else {
            columns = []
            names = []
            needed = 0
            missing = "#Fields:"
            return
        }
        names = list.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        columns = names.map { Self.column(named: $0.lowercased()) }
        needed = (columns.lastIndex { $0 != .ignored } ?? -1) + 1
        missing = nil
        for (column, name) in [(Column.date, "date"), (.clock, "time"), (.method, "cs-method"), (.status, "sc-status")]
        where !columns.contains(column) {
            missing = name
            break
        }
        if missing == nil, !columns.contains(.stem), !columns.contains(.uri) { missing = "cs-uri-stem" }
    }

    private static func column(named name: String) -> Column {
        switch name {
        case "date": return .date
        case "time": return .clock
        case "c-ip": return .address
        case "cs-username": return .user
        case "cs-method": return .method
        case "cs-uri-stem": return .stem
        case "cs-uri-query": return .query
        case "cs-uri": return .uri
        case "cs-version", "cs-protocol-version": return .protocolVersion
        case "sc-status": return .status
        case "sc-bytes": return .bytes
        case "cs(referer)", "cs(referrer)": return .referrer
        case "cs(user-agent)": return .userAgent
        case "cs(cookie)": return .cookie
        case "cs-host", "cs(host)", "x-host-header": return .host
        case "time-taken": return .timeTaken
        default: return .ignored
        }
    }

    /// Parses one line; on success the kept text is laid out again at the line's start.
    func parse(_ line: UnsafeMutableRawBufferPointer, into fields: inout ParsedLine) -> Fault? {
        guard missing == nil else { return missing == "#Fields:" ? .noFields : .missingColumn(missing ?? "") }
        guard let base = line.baseAddress else { return .short(found: 0, named: columns.count) }
        let n = line.count
        let separator = dialect.separator
        var date = FieldRange.absent, clock = FieldRange.absent, address = FieldRange.absent, user = FieldRange.absent
        var method = FieldRange.absent, stem = FieldRange.absent, query = FieldRange.absent, uri = FieldRange.absent
        var version = FieldRange.absent, referrer = FieldRange.absent, agent = FieldRange.absent
        var cookie = FieldRange.absent, host = FieldRange.absent
        var status = -1
        fields.responseMicroseconds = -1
        var pos = 0
        var index = 0
        while index < needed {
            let end = ByteScan.first(separator, in: base, from: pos, to: n)
            let range = FieldRange(start: Int32(pos), end: Int32(end))
            let p = UnsafeRawPointer(base + pos)
            let count = end - pos
            // `-`: the column has no value.
            let empty = count == 1 && p.load(as: UInt8.self) == ASCII.minus
            switch columns[index] {
            case .ignored: break
            case .date: date = range
            case .clock: clock = range
            case .address: if !empty { address = range }
            case .user: if !empty { user = range }
            case .method: if !empty { method = range }
            case .stem: if !empty { stem = range }
            case .query: if !empty { query = range }
            case .uri: if !empty { uri = range }
            case .protocolVersion: if !empty { version = range }
            case .referrer: if !empty { referrer = range }
            case .userAgent: if !empty { agent = range }
            case .cookie: if !empty { cookie = range }
            case .host: if !empty { host = range }
            case .status:
                guard count == 3, let code = LineParser.parseDigits(p, 3) else { return .invalid(index) }
                status = Int(code)
            case .bytes:
                guard empty || LineParser.parseDigits(p, count) != nil else { return .invalid(index) }
            case .timeTaken:
                if !empty {
                    let scale: Int64 = dialect == .w3c ? 1000 : 1_000_000
                    guard let micros = LineParser.parseDecimalMicroseconds(p, count, scale: scale) else { return .invalid(index) }
                    fields.responseMicroseconds = micros
                }
            }
            index += 1
            pos = end + 1
            if end == n, index < needed { return .short(found: index, named: columns.count) }
        }
        // The instant: `date` and `time` (UTC), read as one ISO 8601 date-time.
        let dateCount = date.count, clockCount = clock.count
        guard dateCount == 10, clockCount >= 8, clockCount <= 18 else {
            return .invalid(columns.firstIndex(of: dateCount == 10 ? .clock : .date) ?? 0)
        }
        let stamp: LogTimestamp? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            guard let out = buffer.baseAddress else { return nil }
            let raw = UnsafeMutableRawPointer(out)
            raw.copyMemory(from: base + Int(date.start), byteCount: 10)
            raw.storeBytes(of: ASCII.upperT, toByteOffset: 10, as: UInt8.self)
            (raw + 11).copyMemory(from: base + Int(clock.start), byteCount: clockCount)
            raw.storeBytes(of: ASCII.upperZ, toByteOffset: 11 + clockCount, as: UInt8.self)
            return TimestampParser.parseISO8601(raw, count: 12 + clockCount)
        }
        guard let stamp else { return .invalid(columns.firstIndex(of: .date) ?? 0) }
        fields.timestamp = stamp
        fields.status = status

        // Lay the kept text out again; the target is the stem, then `?` and the query.
        layout.begin(length: n)
        func copy(_ range: FieldRange) -> FieldRange? {
            range.isEmpty ? .absent : layout.append(base + Int(range.start), range.count)
        }
        guard let methodRange = copy(method), var target = copy(uri.isEmpty ? stem : uri) else { return .tooLong }
        if uri.isEmpty, !query.isEmpty {
            guard layout.append(byte: ASCII.questionMark), let queryRange = copy(query) else { return .tooLong }
            target.end = queryRange.end
        }
        guard let versionRange = copy(version), let addressRange = copy(address), let userRange = copy(user),
              let referrerRange = copy(referrer), let hostRange = copy(host) else { return .tooLong }
        let agentRange: FieldRange?
        if agent.isEmpty {
            agentRange = .absent
        } else if dialect == .w3c {
            agentRange = layout.appendPlusAsSpace(base + Int(agent.start), agent.count)
        } else {
            agentRange = layout.appendPercentDecoded(base + Int(agent.start), agent.count)
        }
        guard let agentRange, let cookieRange = copy(cookieValue(base, cookie)) else { return .tooLong }
        fields.request = .absent
        fields.urlPath = .absent
        fields.query = .absent
        fields.method = methodRange
        fields.requestURI = target
        fields.protocolVersion = versionRange
        fields.address = addressRange
        fields.user = userRange
        fields.referrer = referrerRange
        fields.userAgent = agentRange
        fields.cookie = cookieRange
        fields.host = hostRange
        layout.write(over: base)
        return nil
    }

    /// The session cookie's value within a `cs(Cookie)` header (`a=1;+session=xyz`).
    private func cookieValue(_ base: UnsafeMutableRawPointer, _ header: FieldRange) -> FieldRange {
        guard let name = cookieName, !header.isEmpty else { return .absent }
        var i = Int(header.start)
        let end = Int(header.end)
        while i + name.count < end {
            let before = i == Int(header.start) ? ASCII.space : base.load(fromByteOffset: i - 1, as: UInt8.self)
            // After `; `, IIS's `;+`, or CloudFront's percent-encoded `;%20`.
            let encodedSpace = i - 3 >= Int(header.start) && before == ASCII.zero
                && base.load(fromByteOffset: i - 2, as: UInt8.self) == ASCII.zero + 2
                && base.load(fromByteOffset: i - 3, as: UInt8.self) == ASCII.percent
            let atStart = before == ASCII.space || before == ASCII.plus || before == ASCII.semicolon || encodedSpace
            if atStart, base.load(fromByteOffset: i + name.count, as: UInt8.self) == ASCII.equals,
               (0..<name.count).allSatisfy({ base.load(fromByteOffset: i + $0, as: UInt8.self) == name[$0] }) {
                let start = i + name.count + 1
                var stop = start
                while stop < end, base.load(fromByteOffset: stop, as: UInt8.self) != ASCII.semicolon { stop += 1 }
                return FieldRange(start: Int32(start), end: Int32(stop))
            }
            i += 1
        }
        return .absent
    }

    /// The text of a fault, naming the column: `field 9 (sc-status): not a three-digit status`.
    func describe(_ fault: Fault) -> String {
        switch fault {
        case .noFields: return "no #Fields: directive before it names the columns"
        case let .missingColumn(name): return "the #Fields: directive has no \(name) column"
        case let .short(found, named): return "\(found) fields where the #Fields: directive names \(named)"
        case let .invalid(index):
            let name = index < names.count ? names[index] : "?"
            let what: String
            switch index < columns.count ? columns[index] : .ignored {
            case .status: what = "a three-digit status"
            case .bytes: what = "a byte count"
            case .timeTaken: what = dialect == .w3c ? "a number of milliseconds" : "a number of seconds"
            case .date: what = "a date like 2026-03-02"
            case .clock: what = "a time like 15:00:00"
            default: what = "what the column holds"
            }
            return "field \(index + 1) (\(name)): not \(what)"
        case .tooLong: return "its values do not fit the line"
        }
    }
}
