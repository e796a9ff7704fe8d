#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Analysis
import JSON
import LogParsing
import Reports
import Sessions

/// `uxchurn reduce`: the reduce step. Reads `map` output grouped by visitor (sorted by key, as
/// Hadoop Streaming and Spark deliver it), puts each visitor's hits in time order (ties:
/// input, then line), cuts them into sessions, folds the sessions into the figures, and writes one partial
/// result (one JSON line).
public enum ReduceJob {
    /// Reads map output from `input` and writes the partial result to `output` (the
    /// executable passes standard input and output).
    ///
    /// - Parameter allInputs: a file of the `#input` side records of every map task of the job.
    ///   With it, the partial carries its visitors as counts (retention's, against the period's
    ///   end those records and `--to` give) rather than one record per visitor.
    public static func run(_ options: RunOptions, allInputs: String? = nil, from input: Int32,
                           to output: Int32) throws(RunError) {
        let configuration = try options.loadConfiguration()
        // Read first: a wrong file fails before the partition is.
        let end = try allInputs.map { path throws(RunError) in try periodEnd(allInputs: path, options, configuration) }
        var reducer = Reducer(configuration: configuration)
        try ByteLines(descriptor: input).forEach { line, number throws(RunError) in try reducer.add(line, number: number) }
        var result = reducer.finish()
        if let end { result.countVisitors(end: end, inactiveDays: configuration.churnInactiveDays) }
        try PartialDocument(result, configuration: configuration).write(to: output)
    }

    /// The period's end the side records of every map task in `path` give, with `--to`.
    static func periodEnd(allInputs path: String, _ options: RunOptions, _ configuration: Configuration) throws(RunError) -> Int64 {
        let text: String
        do {
            text = try readTextFile(path)
        } catch {
            throw .input(error.description)
        }
        var records = Reducer(configuration: configuration)
        for (index, line) in text.split(separator: "\n").enumerated() {
            let bytes = Array(line.utf8)
            guard bytes.first == UInt8(ascii: "#") else {
                throw .input("\(path):\(index + 1): not an #input side record of uxchurn map")
            }
            // `withUnsafeBytes` rethrows untyped errors: the line's error is kept and thrown after.
            var failure: RunError?
            bytes.withUnsafeBytes { raw in
                do throws(RunError) {
                    try records.add(raw, number: index + 1, source: path)
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
        }
        return HistoryStep.periodEnd(options, records.finish().ingest)
    }
}

/// Folds `map` lines into a partial result, one visitor at a time. Lines are read as bytes:
/// values are interned, never made into strings per line.
struct Reducer {
    private let configuration: Configuration
    private var statistics: SessionStatistics
    private var sessionizer: Sessionizer
    /// Page groups: interned bytes → group id (the configured groups first, by name).
    private var groupBytes = ByteInterner(capacity: 256)
    private var groupOfBytes: [Int32] = []
    private var groupNames: [String]
    private var groupIndex: [String: Int32] = [:]
    private var hosts = ByteInterner(capacity: 256)
    /// Path families, standing for paths (the advice looks only at families).
    private var families = ByteInterner(capacity: 256)
    /// Actions' methods (the frustration signals compare them).
    private var methods = ByteInterner(capacity: 16)
    private var familyNames: [String] = []
    private var visitors = ByteInterner(capacity: 1 << 16)
    private var advice: AdviceCollector?
    private var inputs: [InputRecord] = []
    private var hitsOutsideWindow = 0
    /// The visitor being read, and its hits so far.
    private var current: Int32 = -1
    private var hits: [Hit] = []
    /// Where each field of the line being read starts and ends.
    private var fields: [Range<Int>] = []

    init(configuration: Configuration) {
        self.configuration = configuration
        statistics = configuration.emptyStatistics()
        sessionizer = Sessionizer(timeoutSeconds: configuration.sessionTimeout)
        groupNames = configuration.pages.map(\.name)
        for (index, name) in groupNames.enumerated() where groupIndex[name] == nil { groupIndex[name] = Int32(index) }
        if configuration.isBuiltIn { advice = AdviceCollector() }
        fields.reserveCapacity(HitRecord.fieldCount + 1)
    }

    /// - Throws: `RunError.input` for a line that is not `map` output, or a visitor whose lines
    ///   are not together.
    mutating func add(_ line: UnsafeRawBufferPointer, number: Int, source: String = "standard input") throws(RunError) {
        func bad(_ why: String) -> RunError {
            .input("\(source):\(number): \(why); reduce reads the output of uxchurn map, grouped by its first field")
        }
        guard !line.isEmpty else { return }
        if line[0] == UInt8(ascii: "#") {
            let key = Array(HitRecord.inputRecordKey.utf8) + [9]
            guard line.count > key.count, line.prefix(key.count).elementsEqual(key) else { throw bad("unknown side record") }
            do {
                let side = try JSONValueDecoder().decode(MapSideRecord.self, from: line[key.count...])
                inputs += side.inputs
                hitsOutsideWindow += side.hitsOutsideWindow
            } catch {
                throw bad("the #input record does not decode (\(error))")
            }
            return
        }
        fields.removeAll(keepingCapacity: true)
        var start = 0
        for index in 0..<line.count where line[index] == 9 {
            fields.append(start..<index)
            start = index + 1
        }
        fields.append(start..<line.count)
        guard fields.count == HitRecord.fieldCount else { throw bad("\(fields.count) fields, \(HitRecord.fieldCount) expected") }
        func field(_ index: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: line[fields[index]]) }
        let key = field(0)
        guard key.count == 32 else { throw bad("the visitor key is not 32 hex digits") }
        let visitor: Int32
        if current >= 0, visitors.bytes(of: current).elementsEqual(key) {
            visitor = current
        } else {
            let (id, isNew) = visitors.intern(key)
            guard isNew else { throw bad("visitor \(String(decoding: key, as: UTF8.self)) comes again after other visitors") }
            finishVisitor()
            visitor = id
            current = id
        }
        guard let time = Self.decimal(field(1)), let offset = Self.decimal(field(2)).flatMap(Int16.init(exactly:)),
              let rank = Self.decimal(field(3)).flatMap(Int32.init(exactly:)), let lineNumber = Self.decimal(field(4)),
              let status = Self.decimal(field(6)).flatMap(Int16.init(exactly:)), let response = Self.decimal(field(7)),
              let matches = Self.hex(field(8)), field(9).count == 1, let device = HitRecord.device(field(9)[0])
        else { throw bad("a number or the device does not parse") }
        let kind = field(5)
        let letter = kind.count == 1 ? kind[0] | 0x20 : 0  // lower-cased
        guard letter == UInt8(ascii: "p") || letter == UInt8(ascii: "a") else { throw bad("the kind is none of p, a, P, A") }
        let isPageView = letter == UInt8(ascii: "p")
        let isProbe = kind[0] != letter
        var group: Int32 = -1
        if isPageView {
            guard !field(11).isEmpty else { throw bad("a page view without a page group") }
            group = groupID(field(11))
        }
        let host = field(10).isEmpty ? -1 : Self.intern(field(10), in: &hosts).id
        var family: Int32 = -1
        if !field(12).isEmpty {
            let interned = Self.intern(field(12), in: &families)
            if interned.isNew { familyNames.append(families.string(of: interned.id)) }
            family = interned.id
        }
        if advice != nil, isPageView, family < 0 {
            throw bad("a page view without its path family: map ran with a configuration, reduce without")
        }
        guard let target = Self.hex(field(13)).flatMap(UInt32.init(exactly:)) else { throw bad("the target hash does not parse") }
        let method = field(14).isEmpty ? -1 : Self.intern(field(14), in: &methods).id
        var hit = Hit(time: time, offsetMinutes: offset, inputRank: rank, line: lineNumber, visitor: visitor,
                      isPageView: isPageView, status: status, responseMicroseconds: response, path: family, group: group,
                      method: method, agent: Int32(Device.allCases.firstIndex(of: device) ?? 0), referrerHost: host)
        hit.matches = matches
        hit.target = target
        hit.isProbe = isProbe
        hits.append(hit)
    }

    /// Interns a text field, unescaped.
    private static func intern(_ text: UnsafeRawBufferPointer, in interner: inout ByteInterner) -> (id: Int32, isNew: Bool) {
        guard text.contains(92) else { return interner.intern(text) }
        return HitRecord.unescaped(text).withUnsafeBytes { interner.intern($0) }
    }

    private mutating func groupID(_ text: UnsafeRawBufferPointer) -> Int32 {
        let (id, isNew) = Self.intern(text, in: &groupBytes)
        guard isNew else { return groupOfBytes[Int(id)] }
        let name = groupBytes.string(of: id)
        let group: Int32
        if let known = groupIndex[name] {
            group = known
        } else {
            group = Int32(groupNames.count)
            groupNames.append(name)
            groupIndex[name] = group
        }
        groupOfBytes.append(group)
        return group
    }

    static func decimal(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        let negative = bytes[0] == UInt8(ascii: "-")
        guard !negative || bytes.count > 1 else { return nil }
        var value: Int64 = 0
        for byte in bytes.dropFirst(negative ? 1 : 0) {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        return negative ? -value : value
    }

    static func hex(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            let digit: UInt8
            switch byte {
            case 48...57: digit = byte - 48
            case 97...102: digit = byte - 87
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// Orders the current visitor's hits, cuts them into sessions and folds those in.
    private mutating func finishVisitor() {
        guard !hits.isEmpty else { return }
        hits.sort(by: Hit.precedes)
        var finished: [Session] = []
        for hit in hits { sessionizer.add(hit) { finished.append($0) } }
        sessionizer.finish { finished.append($0) }
        let families = familyNames
        for session in finished {
            statistics.add(session, device: Device.allCases[Int(session.hits[0].agent)])
            if session.exclusion == nil { advice?.add(session, pathText: { $0 >= 0 ? families[Int($0)] : "" }) }
        }
        hits.removeAll(keepingCapacity: true)
    }

    mutating func finish() -> PartialResult {
        finishVisitor()
        let keys = (0..<visitors.count).map { visitors.string(of: Int32($0)) }
        return PartialResult(ingest: IngestResult(records: inputs), statistics: statistics, groupNames: groupNames,
                             configuredGroups: configuration.pages.count,
                             hostNames: (0..<hosts.count).map { hosts.string(of: Int32($0)) }, visitorKeys: keys,
                             hitsOutsideWindow: hitsOutsideWindow, advice: advice)
    }
}

/// Lines of a file descriptor, read a megabyte at a time, handed over as bytes without a copy.
final class ByteLines {
    private let descriptor: Int32
    private let name: String

    init(descriptor: Int32, name: String = "standard input") {
        self.descriptor = descriptor
        self.name = name
    }

    /// Calls `body` with each line (without its `\n`), and its 1-based number.
    func forEach(_ body: (UnsafeRawBufferPointer, Int) throws(RunError) -> Void) throws(RunError) {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        var number = 0
        while true {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .input("\(name): cannot read: \(String(cString: strerror(errno)))")
            }
            let ended = count == 0
            filled += count
            var start = 0
            // `withUnsafeBytes` rethrows untyped errors: the line's error is kept and thrown after.
            var failure: RunError?
            buffer.withUnsafeBytes { raw in
                do throws(RunError) {
                    var index = 0
                    while index < filled {
                        if raw[index] == 10 {
                            number += 1
                            try body(UnsafeRawBufferPointer(rebasing: raw[start..<index]), number)
                            start = index + 1
                        }
                        index += 1
                    }
                    if ended, start < filled {
                        number += 1
                        try body(UnsafeRawBufferPointer(rebasing: raw[start..<filled]), number)
                        start = filled
                    }
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            if ended { return }
            // Keep the unfinished line at the front.
            buffer.withUnsafeMutableBytes { raw in
                if start > 0, start < filled { raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: filled - start) }
            }
            filled -= start
        }
    }
}
