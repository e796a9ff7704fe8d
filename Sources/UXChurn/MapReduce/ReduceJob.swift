#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Analysis
import Foundation
import Sessions

/// `uxchurn reduce`: the reduce step. Reads `map` output grouped by visitor (sorted by key, as
/// Hadoop Streaming and Spark deliver it), puts each visitor's hits in the order of SPEC.md
/// §4.3, cuts them into sessions, folds the sessions into the figures, and writes one partial
/// result (one JSON line).
public enum ReduceJob {
    public static func run(_ options: RunOptions) throws(RunError) {
        let configuration: Configuration
        if let given = options.configuration {
            configuration = given
        } else {
            configuration = try loadConfiguration(options.configPath)
        }
        var reducer = Reducer(configuration: configuration)
        let lines = ByteLines(descriptor: 0)
        var number = 0
        while let line = try lines.next() {
            number += 1
            try reducer.add(line, number: number)
        }
        let result = reducer.finish()
        let out = ByteOutput()
        out.append(Array(PartialDocument(result, configuration: configuration).json().utf8))
        out.append(10)
        try out.flush(force: true)
    }
}

/// Folds `map` lines into a partial result, one visitor at a time.
struct Reducer {
    private let configuration: Configuration
    private var statistics: SessionStatistics
    private var sessionizer: Sessionizer
    private var groupNames: [String]
    private var groupIndex: [String: Int32] = [:]
    private var hostNames: [String] = []
    private var hostIndex: [String: Int32] = [:]
    /// Path families, standing for paths (the advice looks only at families).
    private var familyNames: [String] = []
    private var familyIndex: [String: Int32] = [:]
    private var visitorKeys: [String] = []
    private var visitorIndex: [Substring: Int32] = [:]
    private var advice: AdviceCollector?
    private var inputs: [InputRecord] = []
    private var hitsOutsideWindow = 0
    /// The visitor being read, and its hits so far.
    private var current: Int32 = -1
    private var hits: [Hit] = []

    init(configuration: Configuration) {
        self.configuration = configuration
        statistics = HitStage.statistics(configuration)
        sessionizer = Sessionizer(timeoutSeconds: Int64(configuration.sessionTimeoutSeconds.rounded(.down)))
        groupNames = configuration.pages.map(\.name)
        for (index, name) in groupNames.enumerated() where groupIndex[name] == nil { groupIndex[name] = Int32(index) }
        if configuration.source == builtInSource { advice = AdviceCollector() }
    }

    /// - Throws: `RunError.input` for a line that is not `map` output, or a visitor whose lines
    ///   are not together.
    mutating func add(_ line: Substring, number: Int) throws(RunError) {
        func bad(_ why: String) -> RunError {
            .input("standard input:\(number): \(why); reduce reads the output of uxchurn map, grouped by its first field")
        }
        if line.hasPrefix("#") {
            guard let tab = line.firstIndex(of: "\t"), line[..<tab] == HitRecord.inputRecordKey else { throw bad("unknown side record") }
            do {
                let side = try JSONDecoder().decode(MapSideRecord.self, from: Data(line[line.index(after: tab)...].utf8))
                inputs += side.inputs
                hitsOutsideWindow += side.hitsOutsideWindow
            } catch {
                throw bad("the #input record does not decode (\(error))")
            }
            return
        }
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == HitRecord.fieldCount else { throw bad("\(fields.count) fields, \(HitRecord.fieldCount) expected") }
        let key = fields[0]
        guard key.utf8.count == 32 else { throw bad("the visitor key is not 32 hex digits") }
        let visitor: Int32
        if current >= 0, visitorKeys[Int(current)] == key {
            visitor = current
        } else {
            guard visitorIndex[key] == nil else { throw bad("visitor \(key) comes again after other visitors") }
            finishVisitor()
            visitor = Int32(visitorKeys.count)
            visitorKeys.append(String(key))
            visitorIndex[key] = visitor
            current = visitor
        }
        guard let time = Int64(fields[1]), let offset = Int16(fields[2]), let rank = Int32(fields[3]),
              let lineNumber = Int64(fields[4]), let status = Int16(fields[6]), let response = Int64(fields[7]),
              let matches = UInt64(fields[8], radix: 16), let device = HitRecord.device(fields[9])
        else { throw bad("a number or the device does not parse") }
        let isPageView: Bool
        switch fields[5] {
        case "p": isPageView = true
        case "a": isPageView = false
        default: throw bad("the kind is neither p nor a")
        }
        let group: Int32
        if isPageView {
            guard !fields[11].isEmpty else { throw bad("a page view without a page group") }
            group = Self.intern(HitRecord.unescaped(fields[11]), &groupNames, &groupIndex)
        } else {
            group = -1
        }
        let host = fields[10].isEmpty ? -1 : Self.intern(HitRecord.unescaped(fields[10]), &hostNames, &hostIndex)
        let family = fields[12].isEmpty ? -1 : Self.intern(HitRecord.unescaped(fields[12]), &familyNames, &familyIndex)
        if advice != nil, isPageView, family < 0 {
            throw bad("a page view without its path family: map ran with a configuration, reduce without")
        }
        var hit = Hit(time: time, offsetMinutes: offset, inputRank: rank, line: lineNumber, visitor: visitor,
                      isPageView: isPageView, status: status, responseMicroseconds: response, path: family, group: group,
                      method: -1, agent: Int32(Device.allCases.firstIndex(of: device) ?? 0), referrerHost: host)
        hit.matches = matches
        hits.append(hit)
    }

    private static func intern(_ name: String, _ names: inout [String], _ index: inout [String: Int32]) -> Int32 {
        if let id = index[name] { return id }
        names.append(name)
        index[name] = Int32(names.count - 1)
        return Int32(names.count - 1)
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
            advice?.add(session) { $0 >= 0 ? families[Int($0)] : "" }
        }
        hits.removeAll(keepingCapacity: true)
    }

    mutating func finish() -> PartialResult {
        finishVisitor()
        return PartialResult(ingest: IngestResult(records: inputs), statistics: statistics, groupNames: groupNames,
                             configuredGroups: configuration.pages.count, hostNames: hostNames, visitorKeys: visitorKeys,
                             visitorCount: visitorKeys.count, hitsOutsideWindow: hitsOutsideWindow, advice: advice)
    }
}

/// Lines of a file descriptor, read a megabyte at a time; a trailing `\r` is kept (map output
/// has none).
final class ByteLines {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func next() throws(RunError) -> Substring? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                if line.isEmpty { continue }
                return Substring(line)
            }
            if ended {
                guard start < buffer.count else { return nil }
                let line = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                return Substring(line)
            }
            buffer.removeFirst(start)
            start = 0
            var block = [UInt8](repeating: 0, count: 1 << 20)
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .input("standard input: cannot read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { ended = true } else { buffer.append(contentsOf: block[0..<count]) }
        }
    }
}
